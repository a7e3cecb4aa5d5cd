package dev.canopy.grid.internal.trust;

import com.hazelcast.client.Client;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WARN a member logs when it refuses something not signed with the cluster's key: one line
 * naming what was refused, where it claims to come from (a member's or a connected client's
 * address when one has that id) and why. A forger can send many; each kind of refusal from each
 * source is logged at most once a minute, with the count refused in between, so refusals cannot
 * flood the log.
 *
 * <p>Threads: any.
 */
public final class Refusals {

    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** By source: when its last line was logged, and how many refusals since went unlogged. */
    private static final Map<String, long[]> lastLogged = new ConcurrentHashMap<>();
    private static final AtomicLong total = new AtomicLong();

    private Refusals() {
    }

    /**
     * @param what   what was refused ("job 4f2c... submitted through SubmitJob")
     * @param source the id it claims to come from, or null when it names none
     * @param why    the refusal's reason, from {@link NotSignedException#getMessage()}
     */
    public static void warn(HazelcastInstance hz, String what, UUID source, String why) {
        total.incrementAndGet();
        String from = describe(hz, source);
        long now = System.nanoTime();
        // one line a minute per source and kind of refusal: ids and hashes are left out of the kind
        String kind = from + "|" + what.replaceAll("[0-9a-fA-F-]{8,}", "#");
        long[] state = lastLogged.computeIfAbsent(kind, k -> new long[] {now - QUIET_NANOS - 1, 0});
        long suppressed;
        synchronized (state) {
            if (now - state[0] < QUIET_NANOS) {
                state[1]++;
                return;
            }
            suppressed = state[1];
            state[0] = now;
            state[1] = 0;
        }
        LOG.warn("Refused {} from {}: {}; nothing of it ran{}", what, from, why,
                suppressed == 0 ? "" : " (" + suppressed + " more refused from there in the last minute)");
    }

    /** Refusals in this JVM so far, for tests and metrics. */
    public static long count() {
        return total.get();
    }

    /** A member's or a connected client's id and address, else the bare id. */
    static String describe(HazelcastInstance hz, UUID source) {
        if (source == null) {
            return "a sender that names no member or client";
        }
        try {
            for (Member m : hz.getCluster().getMembers()) {
                if (m.getUuid().equals(source)) {
                    return "member " + source + " at " + m.getAddress().getHost() + ":" + m.getAddress().getPort();
                }
            }
            for (Client c : hz.getClientService().getConnectedClients()) {
                if (c.getUuid().equals(source)) {
                    return "client " + source + " at " + c.getSocketAddress();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // a client instance has no client service: the id alone then
        }
        return source + " (no member or connected client has that id)";
    }
}
