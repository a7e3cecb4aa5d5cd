package dev.canopy.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds ports nobody listens on at 127.0.0.1, for embedded clusters and tests. The search starts
 * at a random point of {@value #FIRST}..{@value #LAST} and moves upward through the range, away from
 * the default node ports 5701-5703 and the HTTP ports around 8080; successive searches in one JVM
 * continue where the last one stopped, so two clusters started by one process never pick the same
 * ports. A port found free can still be taken by another process before it is bound: callers keep
 * {@code portAutoIncrement} on, or retry.
 */
public final class FreePorts {

    static final int FIRST = 5801;
    static final int LAST = 7999;

    private static final AtomicInteger NEXT =
            new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt(LAST - FIRST + 1));

    private FreePorts() {
    }

    /** {@code count} distinct ports, each free when it was checked, in increasing order where the range allows. */
    public static List<Integer> find(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1 but was " + count);
        }
        List<Integer> ports = new ArrayList<>(count);
        int span = LAST - FIRST + 1;
        for (int tried = 0; tried < span && ports.size() < count; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement() - FIRST, span);
            if (isFree(port)) {
                ports.add(port);
            }
        }
        if (ports.size() < count) {
            throw new IllegalStateException("found only " + ports.size() + " free ports of " + count
                    + " needed in " + FIRST + "-" + LAST + " on 127.0.0.1: stop some local servers");
        }
        return List.copyOf(ports);
    }

    /** True when a server socket could be bound to {@code port} on 127.0.0.1 just now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
