package dev.canopy.node.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.canopy.grid.JobId;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes a request to {@link StatusApi}, the page or the Prometheus registry, and turns every
 * failure into a JSON error. Runs on the server's threads; holds no state of its own.
 */
final class StatusHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

    private static final String JSON = "application/json; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JOBS = "/api/jobs";

    private final StatusApi api;
    private final PrometheusMeterRegistry prometheus;
    private final String registryType;
    private final byte[] page;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /**
     * @param prometheus   the registry /metrics scrapes, or null
     * @param registryType class of the node's registry when it is not a Prometheus one, for the 404's message
     */
    StatusHandler(StatusApi api, PrometheusMeterRegistry prometheus, String registryType, byte[] page) {
        this.api = api;
        this.prometheus = prometheus;
        this.registryType = registryType;
        this.page = page;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            drain(exchange.getRequestBody());
            try {
                route(exchange);
            } catch (HttpError e) {
                sendError(exchange, e.status(), e.getMessage(), e.allow());
            } catch (HazelcastInstanceNotActiveException e) {
                sendError(exchange, 503, "the node is shutting down", null);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                sendError(exchange, 500, "internal error: " + oneLine(e), null);
            }
        } catch (IOException e) {
            LOG.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        switch (path) {
            case "/" -> {
                requireGet(method, path);
                send(exchange, 200, HTML, page);
            }
            case "/metrics" -> {
                requireGet(method, path);
                send(exchange, 200, PROMETHEUS_TEXT, scrape());
            }
            case "/api/topology" -> {
                requireGet(method, path);
                sendJson(exchange, 200, api.topology());
            }
            case JOBS -> {
                requireGet(method, path);
                sendJson(exchange, 200, api.jobs());
            }
            default -> routeJob(exchange, method, path);
        }
    }

    /** {@code /api/jobs/{id}} and {@code /api/jobs/{id}/cancel}. */
    private void routeJob(HttpExchange exchange, String method, String path) throws IOException {
        if (!path.startsWith(JOBS + "/")) {
            throw unknownPath(path);
        }
        String[] parts = path.substring(JOBS.length() + 1).split("/", -1);
        if (parts.length == 1) {
            requireGet(method, path);
            sendJson(exchange, 200, api.job(jobId(parts[0])));
        } else if (parts.length == 2 && parts[1].equals("cancel")) {
            if (!method.equals("POST")) {
                throw HttpError.methodNotAllowed(method, path, "POST");
            }
            requireSameOrigin(exchange);
            sendJson(exchange, 200, api.cancel(jobId(parts[0])));
        } else {
            throw unknownPath(path);
        }
    }

    private static JobId jobId(String text) {
        if (text.isEmpty()) {
            throw HttpError.badRequest("missing job id: use /api/jobs/{id} with a job id such as "
                    + "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13");
        }
        try {
            return JobId.parse(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /**
     * Refuses a state-changing request that a page of another site sent through the user's browser:
     * browsers name the sending page's origin, which must then be this server. Requests without an
     * Origin header (curl, the command line) pass.
     */
    private static void requireSameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        String authority;
        try {
            authority = URI.create(origin.trim()).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (host == null || authority == null || !authority.equalsIgnoreCase(host.trim())) {
            throw HttpError.forbidden("cross-origin request from " + origin + " refused: cancel jobs from the "
                    + "status page of this node or without a browser");
        }
    }

    private static void requireGet(String method, String path) {
        if (!method.equals("GET")) {
            throw HttpError.methodNotAllowed(method, path, "GET");
        }
    }

    private static HttpError unknownPath(String path) {
        return HttpError.notFound("no such path " + path + ": try /, /metrics, /api/topology, /api/jobs, "
                + "/api/jobs/{id} or POST /api/jobs/{id}/cancel");
    }

    private byte[] scrape() {
        if (prometheus == null) {
            throw HttpError.notFound("no Prometheus registry on this node"
                    + (registryType == null ? "" : " (its meters go to a " + registryType + ")")
                    + ": start it with GridConfig.meterRegistry(StatusServer.newPrometheusRegistry())");
        }
        return prometheus.scrape().getBytes(StandardCharsets.UTF_8);
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, JSON, json.writeValueAsBytes(body));
    }

    private void sendError(HttpExchange exchange, int status, String message, String allow) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        if (allow != null) {
            exchange.getResponseHeaders().set("Allow", allow);
        }
        sendJson(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void drain(InputStream body) throws IOException {
        try (body) {
            body.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The throwable's class and the first line of its message. */
    private static String oneLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
