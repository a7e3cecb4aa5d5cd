package dev.canopy.node.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The status server's connections, on one selector thread; a small pool of workers answers complete
 * requests.
 *
 * <p><b>Why not the JDK's {@code HttpServer}.</b> It reads a request's line and headers on the
 * thread of its executor, with blocking reads and no deadline of its own, so four clients that send
 * half a header held all four threads of the old server and every other request waited. Its limits
 * ({@code sun.net.httpserver.maxReqTime}, {@code maxReqHeaderSize}, {@code maxConnections}, ...) are
 * system properties read once per JVM, which would change every {@code HttpServer} of a service a
 * node is embedded in, or come too late when one was created first. And it answers a malformed
 * target ({@code /api/jobs/%zz}) or Content-Length itself, with an HTML page, before any handler
 * runs. So the server reads requests here instead, and only what it serves (see {@link Request}).
 *
 * <p><b>Life of a connection</b> (all on the selector thread but the middle step):
 * <ol>
 * <li>READING: bytes are read as they come, without a thread waiting, until the head and the
 *     declared body are in; past {@link HttpLimits#requestTimeout()} from the accept it is 408; a
 *     head past the size limits is 414/431 and a large body 413 as soon as its headers say so.</li>
 * <li>HANDLING: a worker runs the handler on the parsed {@link Request} and hands the answer's
 *     bytes back through {@link #answers}; a full worker queue is 503 at once.</li>
 * <li>WRITING: the answer is written as the client reads it, within {@link HttpLimits#responseTimeout()}.</li>
 * <li>LINGERING: output is shut (the client sees the end), and what the client still sends is read
 *     and dropped for up to {@link HttpLimits#linger()}, so closing does not reset a connection whose
 *     answer the client has not read yet; then it is closed.</li>
 * </ol>
 * At most {@link HttpLimits#maxConnections()} are open; a new one past that closes the oldest one
 * READING (the likeliest slow client) or LINGERING, or is closed itself when all are busy. So slow
 * clients cost a buffer each, never a worker, and a normal request is answered while they stall.
 */
final class HttpLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpLoop.class);
    private static final long SWEEP_MILLIS = 100;

    private enum Phase { READING, HANDLING, WRITING, LINGERING }

    /** One connection; touched only by the selector thread (a worker gets the parsed request, not the connection's state). */
    private static final class Conn {
        final SocketChannel channel;
        final SelectionKey key;
        Phase phase = Phase.READING;
        long deadline;
        byte[] in = new byte[1024];
        int length;
        int headEnd = -1;
        Request request;
        ByteBuffer out;

        Conn(SocketChannel channel, SelectionKey key, long deadline) {
            this.channel = channel;
            this.key = key;
            this.deadline = deadline;
        }
    }

    private record Answer(Conn conn, byte[] bytes) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Function<Request, Response> handler;
    private final HttpLimits limits;
    private final ExecutorService workers;
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Set<Conn> open = new LinkedHashSet<>();
    private final ByteBuffer dropped = ByteBuffer.allocate(4096);
    private volatile boolean running = true;

    /** @param server bound and non-blocking; the loop owns it and closes it when it ends */
    HttpLoop(ServerSocketChannel server, Function<Request, Response> handler, HttpLimits limits,
             ExecutorService workers) throws IOException {
        this.server = server;
        this.handler = handler;
        this.limits = limits;
        this.workers = workers;
        this.selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /** Ends the loop: it closes every connection and the listening channel on its way out. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(SWEEP_MILLIS);
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.attachment() instanceof Conn conn) {
                        serve(key, conn);
                    }
                }
                Answer answer;
                while ((answer = answers.poll()) != null) {
                    if (open.contains(answer.conn())) {
                        write(answer.conn(), answer.bytes());
                    }
                }
                sweep(System.nanoTime());
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                LOG.warn("the HTTP status server stopped: {}", e.toString());
            }
        } finally {
            for (Conn conn : new ArrayList<>(open)) {
                close(conn);
            }
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            if (open.size() >= limits.maxConnections() && !evictOldest()) {
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                Conn conn = new Conn(channel, key, System.nanoTime() + limits.requestTimeout().toNanos());
                key.attach(conn);
                open.add(conn);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** Closes the oldest connection still sending its request or already answered; false when all are busy. */
    private boolean evictOldest() {
        for (Conn conn : open) {
            if (conn.phase == Phase.READING || conn.phase == Phase.LINGERING) {
                LOG.debug("closing the oldest idle connection ({}): {} are open", conn.phase, open.size());
                close(conn);
                return true;
            }
        }
        return false;
    }

    private void serve(SelectionKey key, Conn conn) {
        try {
            if (!key.isValid()) {
                close(conn);
            } else if (conn.phase == Phase.READING && key.isReadable()) {
                read(conn);
            } else if (conn.phase == Phase.WRITING && key.isWritable()) {
                flush(conn);
            } else if (conn.phase == Phase.LINGERING && key.isReadable()) {
                linger(conn);
            }
        } catch (HttpError e) {
            write(conn, Response.error(e).toBytes());
        } catch (IOException | CancelledKeyException e) {
            close(conn);
        } catch (RuntimeException e) {
            LOG.warn("HTTP connection failed", e);
            close(conn);
        }
    }

    private void read(Conn conn) throws IOException {
        int room = capacity(conn);
        if (conn.length == conn.in.length) {
            conn.in = Arrays.copyOf(conn.in, Math.min(room, conn.in.length * 2));
        }
        int n = conn.channel.read(ByteBuffer.wrap(conn.in, conn.length, conn.in.length - conn.length));
        if (n < 0) {
            close(conn); // the client gave up before its request was complete
            return;
        }
        int scanFrom = Math.max(0, conn.length - 3);
        conn.length += n;
        if (conn.headEnd < 0) {
            conn.headEnd = headEnd(conn.in, scanFrom, conn.length);
            if (conn.headEnd < 0) {
                if (conn.length >= limits.maxRequestLine() && indexOf(conn.in, '\n', limits.maxRequestLine()) < 0) {
                    throw Request.uriTooLong(limits);
                }
                if (conn.length >= limits.maxHead()) {
                    throw Request.headTooLarge(limits);
                }
                return;
            }
            if (conn.headEnd > limits.maxHead()) {
                throw Request.headTooLarge(limits);
            }
            conn.request = Request.parse(conn.in, conn.headEnd, limits);
        }
        if (conn.length >= conn.headEnd + conn.request.contentLength()) {
            handle(conn);
        }
    }

    /** Bytes a connection may hold: the head limit until the head is in, then the head and its body. */
    private int capacity(Conn conn) {
        return conn.headEnd < 0 ? limits.maxHead() + 4 : conn.headEnd + (int) conn.request.contentLength();
    }

    private void handle(Conn conn) {
        conn.phase = Phase.HANDLING;
        conn.key.interestOps(0);
        Request request = conn.request;
        try {
            workers.execute(() -> {
                byte[] bytes = null;
                try {
                    bytes = handler.apply(request).toBytes();
                } catch (RuntimeException e) {
                    // the handler answers its own failures; this is a bug in writing the answer
                    LOG.warn("{} {} failed", request.method(), HttpError.shown(request.rawPath()), e);
                } finally {
                    answers.add(new Answer(conn, bytes != null ? bytes
                            : Response.error(500, "internal error: see the node's log").toBytes()));
                    selector.wakeup();
                }
            });
        } catch (RejectedExecutionException e) {
            write(conn, Response.error(503, "the status server is busy (" + limits.queue()
                    + " requests wait already): try again shortly").toBytes());
        }
    }

    private void write(Conn conn, byte[] bytes) {
        conn.phase = Phase.WRITING;
        conn.deadline = System.nanoTime() + limits.responseTimeout().toNanos();
        conn.out = ByteBuffer.wrap(bytes);
        conn.in = null;
        try {
            conn.key.interestOps(SelectionKey.OP_WRITE);
            flush(conn);
        } catch (IOException | CancelledKeyException e) {
            close(conn);
        }
    }

    private void flush(Conn conn) throws IOException {
        conn.channel.write(conn.out);
        if (!conn.out.hasRemaining()) {
            conn.out = null;
            conn.channel.shutdownOutput();
            conn.phase = Phase.LINGERING;
            conn.deadline = System.nanoTime() + limits.linger().toNanos();
            conn.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void linger(Conn conn) throws IOException {
        dropped.clear();
        if (conn.channel.read(dropped) < 0) {
            close(conn);
        }
    }

    /** 408 for requests that did not arrive in time; closes answers not read in time and lingering ones. */
    private void sweep(long now) {
        List<Conn> late = new ArrayList<>();
        for (Conn conn : open) {
            if (conn.phase != Phase.HANDLING && now - conn.deadline >= 0) {
                late.add(conn);
            }
        }
        for (Conn conn : late) {
            if (conn.phase == Phase.READING) {
                write(conn, Response.error(408, "the request did not arrive within "
                        + limits.requestTimeout().toMillis() + " ms").toBytes());
            } else {
                close(conn);
            }
        }
    }

    private void close(Conn conn) {
        open.remove(conn);
        conn.key.cancel();
        closeQuietly(conn.channel);
    }

    /** The index after the blank line that ends a head ({@code \r\n\r\n} or bare {@code \n\n}), or -1. */
    private static int headEnd(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (i + 1 < to && bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < to && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, char c, int to) {
        for (int i = 0; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", closeable, e.toString());
        }
    }
}
