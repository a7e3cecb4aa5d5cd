/**
 * Canopy nodes as separate JVM processes started by this one: {@link dev.canopy.node.process.NodeProcess}
 * (one {@code grid node} JVM: how it is launched, its log, its ready line, kill and stop) and
 * {@link dev.canopy.node.process.NodeProcesses} (a cluster of them on 127.0.0.1, and a client).
 * The one launcher of node processes, used by {@code bin/grid bench --processes}, {@code bin/grid chaos}
 * and the integration tests ({@code *IT}), the network lab's too, which starts nodes inside network
 * namespaces through a launcher ({@code ip netns exec <namespace>}).
 *
 * <p>Not an API for embedding.
 */
package dev.canopy.node.process;
