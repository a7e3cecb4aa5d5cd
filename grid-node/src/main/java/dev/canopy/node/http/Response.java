package dev.canopy.node.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One answer, turned into the bytes {@link HttpLoop} writes. Every answer closes its connection
 * ({@code Connection: close}): the page polls a few times a second, and a connection that carries
 * one request needs no idle timeout, no pipelining and no request framing after the first.
 *
 * @param headers headers besides the usual ones (the Allow of a 405, the WWW-Authenticate of a 401), by name
 */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(421, "Misdirected Request"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    /** A JSON error {@code {"error": message, "status": status}}; the message is one line already. */
    static Response error(int status, String message) {
        return error(status, message, Map.of());
    }

    private static Response error(int status, String message, Map<String, String> headers) {
        String json = "{\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message))
                + "\",\"status\":" + status + "}";
        return new Response(status, JSON, json.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Response error(HttpError e) {
        return error(e.status(), e.getMessage(), e.headers());
    }

    /** Status line, headers and body, as sent. */
    byte[] toBytes() {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(REASONS.getOrDefault(status, "Status"))
                .append("\r\nDate: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\nContent-Type: ").append(contentType)
                .append("\r\nContent-Length: ").append(body.length)
                .append("\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
