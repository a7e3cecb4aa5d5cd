/**
 * The HTTP status server of a node: Prometheus text at {@code /metrics}, a JSON status API under
 * {@code /api} and a live status page at {@code /}. {@link dev.canopy.node.http.StatusServer} is the
 * only public class; the command line starts it (see its Javadoc for the endpoints and errors).
 */
package dev.canopy.node.http;
