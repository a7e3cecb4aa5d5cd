package dev.canopy.grid.internal.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Entries of Canopy's maps that are not Canopy's records: a value of another type (someone's
 * {@code put("x", "hello")} into {@code canopy.jobs}), a record whose bytes {@link GridSerializers}
 * cannot parse ({@link Unreadable}), or bytes that do not deserialize here at all. Code that walks
 * many entries (listings, the progress aggregation, the end of a job's tree) reads keys and values
 * through {@link #keyOf} and {@link #valueOf}, which turn such an entry into "absent" rather than an
 * exception that would fail the whole query. The entry stays until someone removes it, which
 * {@code IMap.delete} can (see {@link GridMaps.StateExtractor} for what once kept it from doing so),
 * except in {@code canopy.jobs} for bytes that no serializer of the members can read: Hazelcast must
 * read a value to take it out of that map's index.
 *
 * <p>A skip is logged at WARN at most once per map per minute in a JVM, naming the map and the key:
 * a status page lists jobs every few seconds and would otherwise repeat it each time.
 *
 * <p>Threads: any, partition threads included; the only state is the time of each map's last warning.
 */
public final class ForeignEntries {

    private static final Logger LOG = LoggerFactory.getLogger(ForeignEntries.class);
    static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How much of a key, and of a cause's message, a warning shows. */
    static final int SHOWN_CHARS = 80;

    /** By map name: when its last skip was logged ({@link System#nanoTime()}). */
    private static final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    private ForeignEntries() {
    }

    /**
     * The entry's value when it is a {@code type} (or there is none), else null after logging the
     * skip: the caller treats the entry as absent.
     */
    public static <V> V valueOf(Map.Entry<?, ?> entry, Class<V> type, String map) {
        Object value;
        try {
            value = entry.getValue();
        } catch (RuntimeException e) {
            // HazelcastSerializationException: a class this JVM lacks, or bytes no serializer can read
            skipped(map, keyText(entry), "holds bytes that do not deserialize here (" + shorten(e.toString()) + ")"
                    + (GridMaps.JOBS.equals(map) ? "; its state index reads every value it removes, so the members"
                    + " need the class or serializer the bytes were written with before it can be deleted" : ""));
            return null;
        }
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        skipped(map, keyText(entry), "holds " + describe(value, type));
        return null;
    }

    /** The entry's key when it is a {@code type}, else null after logging the skip. */
    public static <K> K keyOf(Map.Entry<?, ?> entry, Class<K> type, String map) {
        Object key;
        try {
            key = entry.getKey();
        } catch (RuntimeException e) {
            skipped(map, "(unreadable)", "has a key that does not deserialize here (" + shorten(e.toString()) + ")");
            return null;
        }
        if (type.isInstance(key)) {
            return type.cast(key);
        }
        skipped(map, quote(key), "has a " + key.getClass().getName() + " for its key, not a " + type.getSimpleName());
        return null;
    }

    /**
     * Logs that the entry of {@code map} under {@code key} was skipped because it {@code why}, unless
     * a skip of the same map was logged less than a minute ago.
     */
    public static void skipped(String map, String key, String why) {
        long now = System.nanoTime();
        boolean[] warn = {false};
        lastWarned.compute(map, (m, last) -> {
            if (last == null || now - last >= WARN_EVERY_NANOS) {
                warn[0] = true;
                return now;
            }
            return last;
        });
        if (warn[0]) {
            LOG.warn("Skipped an entry of {} that is not Canopy's: key {} {}; remove it with"
                    + " hz.getMap(\"{}\").delete(key) (further skips in {} are not logged for a minute)",
                    map, key, why, map, map);
        }
    }

    /** The key as a warning shows it: quoted, at most {@value #SHOWN_CHARS} characters. */
    public static String quote(Object key) {
        return "\"" + shorten(String.valueOf(key)) + "\"";
    }

    /** Forgets when each map's last skip was logged, so the next one is logged: for tests. */
    static void forgetWarnings() {
        lastWarned.clear();
    }

    private static String keyText(Map.Entry<?, ?> entry) {
        try {
            return quote(entry.getKey());
        } catch (RuntimeException e) {
            return "(unreadable)";
        }
    }

    private static String describe(Object value, Class<?> expected) {
        if (value instanceof Unreadable u) {
            return "a " + u.type() + " whose bytes cannot be read (" + shorten(u.why()) + ")";
        }
        return "a " + value.getClass().getName() + ", not a " + expected.getSimpleName();
    }

    private static String shorten(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS - 3) + "...";
    }
}
