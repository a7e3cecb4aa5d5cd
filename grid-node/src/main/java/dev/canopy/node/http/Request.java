package dev.canopy.node.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.x request as {@link HttpLoop} read it: the request line and headers, checked against
 * {@link HttpLimits}. Only what the status server needs is accepted: an origin-form target
 * ({@code /path?query}), HTTP/1.0 or 1.1, a body only with a Content-Length (no endpoint reads one).
 * Everything else is an {@link HttpError} with the status RFC 9110/9112 gives it, so every refusal
 * is JSON, also one the JDK's server would have answered with an HTML page (a malformed
 * percent-escape, a header too long).
 *
 * @param rawPath  the target's path, still percent-encoded; see {@link #segments()}
 * @param rawQuery the target's query without {@code ?}, still encoded; null when there is none
 * @param headers  by name, ignoring case
 */
record Request(String method, String rawPath, String rawQuery, String version, Map<String, List<String>> headers,
               long contentLength) {

    private static final Pattern REQUEST_LINE = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}) (\\S+) (\\S+)");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** The first value of header {@code name}, or null. */
    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The path's segments, percent-decoded one by one (so {@code %2F} stays inside its segment),
     * without the leading empty one and without one a trailing slash leaves: {@code /api/jobs/} is
     * {@code [api, jobs]}, {@code /} is {@code []}.
     *
     * @throws HttpError 400 when a segment holds a malformed escape or bytes that are not UTF-8
     */
    List<String> segments() {
        String path = rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        if (path.isEmpty()) {
            return List.of();
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.substring(1).split("/", -1)) {
            segments.add(decode(raw, false, "path " + rawPath));
        }
        return segments;
    }

    /**
     * The query's parameters in order, names and values percent-decoded ({@code +} is a space);
     * a name without {@code =} has the value "".
     *
     * @throws HttpError 400 for a malformed escape, naming the parameter
     */
    Map<String, List<String>> query() {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, "query parameter " + pair);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "query parameter " + pair);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /**
     * Reads the request line and headers from {@code head} (ending in the blank line).
     *
     * @throws HttpError 400, 411, 413, 414, 431 or 505 naming what is wrong
     */
    static Request parse(byte[] head, int length, HttpLimits limits) {
        List<String> lines = lines(new String(head, 0, length, StandardCharsets.ISO_8859_1));
        String requestLine = lines.get(0);
        if (requestLine.length() > limits.maxRequestLine()) {
            throw uriTooLong(limits);
        }
        Matcher m = REQUEST_LINE.matcher(requestLine);
        if (!m.matches()) {
            throw HttpError.badRequest("malformed request line '" + HttpError.shown(requestLine)
                    + "': send METHOD /path HTTP/1.1");
        }
        String version = m.group(3);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw HttpError.of(505, "HTTP version " + HttpError.shown(version) + " is not served: use HTTP/1.1");
        }
        String target = m.group(2);
        if (!target.startsWith("/") || !visibleAscii(target)) {
            throw HttpError.badRequest("request target must be a path such as /api/jobs but was '"
                    + HttpError.shown(target) + "'");
        }
        int q = target.indexOf('?');
        int hash = target.indexOf('#');
        if (hash >= 0) {
            throw HttpError.badRequest("request target must not hold a fragment (#) but was '"
                    + HttpError.shown(target) + "'");
        }
        Map<String, List<String>> headers = headers(lines, limits);
        if (version.equals("HTTP/1.1")) {
            List<String> host = headers.get("Host");
            if (host == null || host.size() != 1) {
                throw HttpError.badRequest("an HTTP/1.1 request needs exactly one Host header but had "
                        + (host == null ? 0 : host.size()));
            }
        }
        return new Request(m.group(1), q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                version, Collections.unmodifiableMap(headers), contentLength(headers, limits));
    }

    static HttpError uriTooLong(HttpLimits limits) {
        return HttpError.of(414, "request line is longer than " + limits.maxRequestLine() + " bytes");
    }

    static HttpError headTooLarge(HttpLimits limits) {
        return HttpError.of(431, "request line and headers are longer than " + limits.maxHead() + " bytes");
    }

    private static List<String> lines(String head) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\n", -1)) {
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        // the head ends in an empty line: drop it and the empty string after the last newline
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw HttpError.badRequest("empty request: send METHOD /path HTTP/1.1");
        }
        return lines;
    }

    private static Map<String, List<String>> headers(List<String> lines, HttpLimits limits) {
        if (lines.size() - 1 > limits.maxHeaders()) {
            throw HttpError.of(431, "request has " + (lines.size() - 1) + " header lines, more than "
                    + limits.maxHeaders());
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw HttpError.badRequest("folded header line '" + HttpError.shown(line) + "' is not accepted");
            }
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw HttpError.badRequest("malformed header line '" + HttpError.shown(line) + "'");
            }
            headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return headers;
    }

    /** The declared body's length: a body must come with one Content-Length, small enough to read and drop. */
    private static long contentLength(Map<String, List<String>> headers, HttpLimits limits) {
        List<String> lengths = headers.get("Content-Length");
        if (headers.containsKey("Transfer-Encoding")) {
            if (lengths != null) {
                throw HttpError.badRequest("a request must not have both Content-Length and Transfer-Encoding");
            }
            throw HttpError.of(411, "request bodies must come with a Content-Length (no endpoint reads a body)");
        }
        if (lengths == null) {
            return 0;
        }
        String first = lengths.get(0);
        for (String value : lengths) {
            if (!value.equals(first) || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw HttpError.badRequest("Content-Length must be one whole number of bytes but was '"
                        + HttpError.shown(String.join(", ", lengths)) + "'");
            }
        }
        long length = first.length() > 18 ? Long.MAX_VALUE : Long.parseLong(first);
        if (length > limits.maxBody()) {
            throw HttpError.of(413, "request body of " + HttpError.shown(first) + " bytes is larger than "
                    + limits.maxBody() + " bytes: no endpoint reads a body, send none");
        }
        return length;
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Strict percent-decoding to UTF-8; {@code plusIsSpace} for query parts. */
    private static String decode(String raw, boolean plusIsSpace, String where) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw HttpError.badRequest("malformed percent-encoding in " + HttpError.shown(where)
                            + ": write % followed by two hex digits");
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else {
                bytes.put((byte) (plusIsSpace && c == '+' ? ' ' : c));
            }
        }
        bytes.flip();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer decoded = utf8.decode(bytes);
            return decoded.toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest("percent-encoding in " + HttpError.shown(where) + " is not UTF-8");
        }
    }
}
