package dev.canopy.node.http;

import java.util.Map;

/**
 * A request the server refuses with a status code and a one-line message, sent as JSON
 * {@code {"error": message, "status": status}}, with the headers the status calls for (the Allow
 * of a 405, the WWW-Authenticate of a 401).
 * A value from the request that a message names goes through {@link #shown}, so an error never
 * echoes a huge or multi-line input.
 */
final class HttpError extends RuntimeException {

    /** Most characters of a request's value that an error message repeats. */
    static final int SHOWN_CHARS = 80;

    private final int status;
    private final Map<String, String> headers;

    private HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    static HttpError of(int status, String message) {
        return new HttpError(status, message, Map.of());
    }

    static HttpError badRequest(String message) {
        return of(400, message);
    }

    /** A request that lacks the token it needs (see {@link TokenCheck}), with its challenge. */
    static HttpError unauthorized(String message) {
        return new HttpError(401, message, TokenCheck.CHALLENGE);
    }

    static HttpError forbidden(String message) {
        return of(403, message);
    }

    static HttpError notFound(String message) {
        return of(404, message);
    }

    static HttpError methodNotAllowed(String method, String path, String allow) {
        return new HttpError(405, "method " + shown(method) + " is not allowed on " + shown(path) + ": use " + allow,
                Map.of("Allow", allow));
    }

    /**
     * {@code value} as an error message may show it: control characters replaced by {@code ?} (one
     * line), cut to {@value #SHOWN_CHARS} characters with {@code ...} after the cut.
     */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) : value;
        StringBuilder out = new StringBuilder(cut.length() + 3);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return cut.length() < value.length() ? out.append("...").toString() : out.toString();
    }

    int status() {
        return status;
    }

    /** Headers of the answer besides the usual ones; empty for most. */
    Map<String, String> headers() {
        return headers;
    }
}
