package dev.canopy.node.http;

import java.time.Duration;

/**
 * What one client may cost the status server: sizes of a request, how long it may take to arrive and
 * to be read back, and how many connections and requests are held at once. {@link #DEFAULTS} serve
 * every node; tests may pass others.
 *
 * @param maxRequestLine  longest request line ({@code GET /path HTTP/1.1}); past it 414
 * @param maxHead         longest request line and headers together; past it 431
 * @param maxHeaders      most header lines; past it 431
 * @param maxBody         largest request body (no endpoint reads one); a larger Content-Length is 413 at once
 * @param requestTimeout  time from accepting a connection to having its whole request; past it 408 and close
 * @param responseTimeout time the client gets to read the answer; past it the connection is closed
 * @param linger          time the server keeps reading (and dropping) after it answered, so that the client
 *                        reads the answer before the connection closes; then it closes
 * @param maxConnections  most connections open at once; past it the oldest one still sending its request
 *                        (or already answered) is closed to make room
 * @param workers         threads that answer complete requests (each reads the grid)
 * @param queue           complete requests waiting for a worker; past it 503
 */
record HttpLimits(int maxRequestLine, int maxHead, int maxHeaders, int maxBody, Duration requestTimeout,
                  Duration responseTimeout, Duration linger, int maxConnections, int workers, int queue) {

    static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 16 * 1024, 100, 16 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(2), 64, 4, 64);

    HttpLimits {
        if (maxRequestLine < 64 || maxHead < maxRequestLine || maxHeaders < 1 || maxBody < 0
                || maxConnections < 1 || workers < 1 || queue < 1) {
            throw new IllegalArgumentException("HTTP limits out of range: maxRequestLine " + maxRequestLine
                    + " (>= 64), maxHead " + maxHead + " (>= maxRequestLine), maxHeaders " + maxHeaders + " (>= 1), maxBody "
                    + maxBody + " (>= 0), maxConnections " + maxConnections + ", workers " + workers + ", queue " + queue
                    + " (each >= 1)");
        }
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("responseTimeout", responseTimeout);
        requirePositive("linger", linger);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive but was " + value);
        }
    }
}
