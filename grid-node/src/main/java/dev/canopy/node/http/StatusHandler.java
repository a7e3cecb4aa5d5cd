package dev.canopy.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.JobId;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a request's Host, routes it to {@link StatusApi}, the page or the Prometheus registry, and
 * turns every failure into a JSON error. Runs on the server's worker threads; holds no state of its own.
 *
 * <p>Checks come in this order: the Host ({@link HostCheck}, 421), the method (405), for a cancel
 * its Origin (403), then the token ({@link TokenCheck}, 401). The page itself ({@code GET /}) never
 * needs the token: it is the same static file in every Canopy build and shows nothing until its
 * script reads the API, which asks for the token when reads need it.
 */
final class StatusHandler implements Function<Request, Response> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

    private static final String HTML = "text/html; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> PAGE_PARAMS = Set.of("limit", "offset");

    private final StatusApi api;
    private final HostCheck hosts;
    private final TokenCheck tokens;
    private final PrometheusMeterRegistry prometheus;
    private final String registryType;
    private final byte[] page;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /**
     * @param prometheus   the registry /metrics scrapes, or null
     * @param registryType class of the node's registry when it is not a Prometheus one, for the 404's message
     */
    StatusHandler(StatusApi api, HostCheck hosts, TokenCheck tokens, PrometheusMeterRegistry prometheus,
                  String registryType, byte[] page) {
        this.api = api;
        this.hosts = hosts;
        this.tokens = tokens;
        this.prometheus = prometheus;
        this.registryType = registryType;
        this.page = page;
    }

    @Override
    public Response apply(Request request) {
        try {
            hosts.require(request.header("Host"));
            return route(request);
        } catch (HttpError e) {
            return Response.error(e);
        } catch (HazelcastInstanceNotActiveException e) {
            return Response.error(503, "the node is shutting down");
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.warn("{} {} failed", request.method(), HttpError.shown(request.rawPath()), e);
            return Response.error(500, "internal error: " + oneLine(e));
        }
    }

    private Response route(Request request) {
        String method = request.method();
        List<String> path = request.segments();
        String shownPath = request.rawPath();
        if (path.isEmpty()) {
            requireGet(method, "/");
            return new Response(200, HTML, page, Map.of());
        }
        if (path.size() == 4 && path.get(0).equals("api") && path.get(1).equals("jobs")
                && path.get(3).equals("cancel")) {
            if (!method.equals("POST")) {
                throw HttpError.methodNotAllowed(method, shownPath, "POST");
            }
            requireSameOrigin(request);
            tokens.requireForWrite(request, "cancelling a job");
            return json(api.cancel(jobId(path.get(2))));
        }
        if (path.equals(List.of("metrics"))) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            return new Response(200, PROMETHEUS_TEXT, scrape(), Map.of());
        }
        if (path.equals(List.of("api", "topology"))) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            return json(api.topology());
        }
        if (path.equals(List.of("api", "jobs"))) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            Page page = page(request, "/api/jobs");
            return json(api.jobs(page.offset(), page.limit()));
        }
        if (path.size() == 3 && path.get(0).equals("api") && path.get(1).equals("jobs")) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            return json(api.job(jobId(path.get(2))));
        }
        if (path.equals(List.of("api", "graphs"))) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            Page page = page(request, "/api/graphs");
            return json(api.graphs(page.offset(), page.limit()));
        }
        if (path.size() == 3 && path.get(0).equals("api") && path.get(1).equals("graphs")) {
            requireGet(method, shownPath);
            tokens.requireForRead(request);
            return json(api.graph(graphId(path.get(2))));
        }
        throw HttpError.notFound("no such path " + HttpError.shown(shownPath) + ": try /, /metrics, /api/topology, "
                + "/api/jobs, /api/jobs/{id}, /api/graphs, /api/graphs/{id} or POST /api/jobs/{id}/cancel");
    }

    /**
     * The query of a listing ({@code endpoint} is its path, for the message), which takes only
     * {@code limit} and {@code offset}.
     *
     * @throws HttpError 400 naming a parameter it does not take
     */
    /** Which page of a listing {@code endpoint} is asked for: its limit and offset, checked. */
    private static Page page(Request request, String endpoint) {
        Map<String, List<String>> query = request.query();
        for (String name : query.keySet()) {
            if (!PAGE_PARAMS.contains(name)) {
                throw HttpError.badRequest("unknown query parameter '" + HttpError.shown(name) + "' of " + endpoint
                        + ": use limit and offset");
            }
        }
        int limit = intParam(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        int offset = intParam(query, "offset", 0, 0, Integer.MAX_VALUE);
        return new Page(offset, limit);
    }

    private record Page(int offset, int limit) {
    }

    /**
     * The query parameter {@code name} as a whole number from {@code min} to {@code max}, or {@code absent}.
     *
     * @throws HttpError 400 naming the parameter, its value and what is allowed
     */
    static int intParam(Map<String, List<String>> query, String name, int absent, int min, int max) {
        List<String> values = query.get(name);
        if (values == null) {
            return absent;
        }
        String allowed = max == Integer.MAX_VALUE ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
        if (values.size() > 1) {
            throw HttpError.badRequest(name + " must be given once but was given " + values.size() + " times");
        }
        String value = values.get(0);
        if (!value.matches("-?[0-9]{1,10}") || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            throw HttpError.badRequest(name + " must be " + allowed + " but was '" + HttpError.shown(value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static JobId jobId(String text) {
        if (text.isEmpty()) {
            throw HttpError.badRequest("missing job id: use /api/jobs/{id} with a job id such as "
                    + "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13");
        }
        try {
            return JobId.parse(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage()); // names the text cut to 80 characters
        }
    }

    private static GraphId graphId(String text) {
        if (text.isEmpty()) {
            throw HttpError.badRequest("missing graph id: use /api/graphs/{id} with a graph id such as "
                    + "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13");
        }
        try {
            return GraphId.parse(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage()); // names the text cut to 80 characters
        }
    }

    /**
     * Refuses a state-changing request that a page of another site sent through the user's browser:
     * browsers name the sending page's origin, which must then be this server (the Host, which
     * {@link HostCheck} has already found to be one of this server's names). Requests without an
     * Origin header (curl, the command line) pass.
     */
    private static void requireSameOrigin(Request request) {
        String origin = request.header("Origin");
        if (origin == null) {
            return;
        }
        String host = request.header("Host");
        String authority;
        try {
            authority = URI.create(origin.trim()).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (host == null || authority == null || !authority.equalsIgnoreCase(host.trim())) {
            throw HttpError.forbidden("cross-origin request from " + HttpError.shown(origin) + " refused: cancel "
                    + "jobs from the status page of this node or without a browser");
        }
    }

    private static void requireGet(String method, String path) {
        if (!method.equals("GET")) {
            throw HttpError.methodNotAllowed(method, path, "GET");
        }
    }

    private byte[] scrape() {
        if (prometheus == null) {
            throw HttpError.notFound("no Prometheus registry on this node"
                    + (registryType == null ? "" : " (its meters go to a " + registryType + ")")
                    + ": start it with GridConfig.meterRegistry(StatusServer.newPrometheusRegistry())");
        }
        return prometheus.scrape().getBytes(StandardCharsets.UTF_8);
    }

    private Response json(Object body) {
        try {
            return new Response(200, Response.JSON, json.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The throwable's class and the first line of its message, cut like any echoed value. */
    private static String oneLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return t.getClass().getSimpleName() + ": "
                + HttpError.shown((newline < 0 ? message : message.substring(0, newline)).strip());
    }
}
