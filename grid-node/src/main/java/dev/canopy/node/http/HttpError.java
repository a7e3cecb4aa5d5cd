package dev.canopy.node.http;

/**
 * A request the server refuses with a status code and a one-line message, sent as JSON
 * {@code {"error": message, "status": status}}. {@code allow} is the Allow header of a 405, else null.
 */
final class HttpError extends RuntimeException {

    private final int status;
    private final String allow;

    private HttpError(int status, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message, null);
    }

    static HttpError forbidden(String message) {
        return new HttpError(403, message, null);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message, null);
    }

    static HttpError methodNotAllowed(String method, String path, String allow) {
        return new HttpError(405, "method " + method + " is not allowed on " + path + ": use " + allow, allow);
    }

    int status() {
        return status;
    }

    String allow() {
        return allow;
    }
}
