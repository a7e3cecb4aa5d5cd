package dev.canopy.grid.internal.code;

import dev.canopy.grid.internal.store.GridMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A member's class loaders for shipped code: one per code set, shared by every job with that set.
 *
 * <p>Design note. {@link #loaderFor} fetches the set's entries that the local cache folder lacks
 * (through the given function; in production the grid's code store), checks each against its
 * SHA-256, writes it as {@code <sha256>.jar} atomically (a file in the folder is always complete and
 * verified, so the folder is reused across restarts and instances), and builds a
 * {@link JobClassLoader} over the jars: child-first, except for the JDK, Canopy and its libraries,
 * which always come from the node's loader. The caller holds the loader through a {@link Lease}
 * for as long as a job runs its code, and closes the lease when done.
 *
 * <p>Loaders are bounded two ways. {@link #sweep} closes the loaders no lease has held for the idle
 * time; the member's watchdog calls it. And when a new loader would make more than
 * {@code maxLoaders}, the least recently used loaders no lease holds are closed first. A loader in
 * use is never closed (its job could no longer load a class), so the count exceeds the bound only
 * while more than {@code maxLoaders} code sets are in use at once.
 *
 * <p>Threads: any. The map of loaders is guarded by {@code this}; fetching and writing entries
 * happen outside the lock, so one slow fetch does not hold up jobs whose loader exists. Two threads
 * building the same new set race harmlessly: both write identical files atomically, and the second
 * loader built is closed in favour of the first.
 */
public final class JobLoaders implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobLoaders.class);

    /** A SHA-256 in lower-case hex: the only thing a file name in the cache folder is built from. */
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path cacheDir;
    private final ClassLoader node;
    private final Function<CodeEntry, byte[]> fetch;
    private final long idleMillis;
    private final int maxLoaders;
    private final LongSupplier clock;

    /** By code set id. Guarded by {@code this}. */
    private final Map<String, Slot> slots = new HashMap<>();
    /** Guarded by {@code this}. */
    private boolean closed;

    /**
     * @param cacheDir   where fetched entries are kept, created if missing; may hold the files of an
     *                   earlier instance, which are reused
     * @param node       the node's own loader: the parent of every job loader, and the loader of an
     *                   empty code set
     * @param fetch      reads an entry's bytes from the grid; may throw, or return null when the grid
     *                   does not have the entry
     * @param idle       how long a loader no job uses stays open before {@link #sweep} closes it
     * @param maxLoaders the most loaders kept open, ≥ 1 (see the class note for loaders in use)
     */
    public JobLoaders(Path cacheDir, ClassLoader node, Function<CodeEntry, byte[]> fetch,
                      Duration idle, int maxLoaders) {
        this(cacheDir, node, fetch, idle, maxLoaders, System::currentTimeMillis);
    }

    /** {@code clock} gives the time in milliseconds a lease is taken or closed, as {@link #sweep} expects. */
    JobLoaders(Path cacheDir, ClassLoader node, Function<CodeEntry, byte[]> fetch,
               Duration idle, int maxLoaders, LongSupplier clock) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.node = Objects.requireNonNull(node, "node");
        this.fetch = Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(idle, "idle");
        if (idle.isNegative()) {
            throw new IllegalArgumentException("idle time of job class loaders must be ≥ 0 but was " + idle);
        }
        if (maxLoaders < 1) {
            throw new IllegalArgumentException("maxLoaders must be ≥ 1 but was " + maxLoaders);
        }
        this.idleMillis = idle.toMillis();
        this.maxLoaders = maxLoaders;
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException("code cache folder " + cacheDir + " cannot be created (" + e
                    + "): choose a writable folder", e);
        }
    }

    /**
     * The loader of {@code set}, held until the returned lease is closed: the node's own loader when
     * the set is empty, else the set's shared loader, built (and its entries fetched) on first use.
     * May block while entries are fetched.
     *
     * @throws CodeLoadException naming the entry, when an entry cannot be fetched, does not match
     *                           its SHA-256, or cannot be written to the cache folder
     */
    public Lease loaderFor(CodeSet set) {
        Objects.requireNonNull(set, "set");
        set = notOnThisNode(set);
        if (set.isEmpty()) {
            return new Lease(null);
        }
        String id = set.id();
        synchronized (this) {
            checkOpen();
            Slot existing = slots.get(id);
            if (existing != null) {
                return lease(existing);
            }
        }
        JobClassLoader built = new JobClassLoader("canopy-code-" + id.substring(0, 12), jars(set), node);
        List<JobClassLoader> toClose = new ArrayList<>();
        try {
            synchronized (this) {
                if (closed) {
                    toClose.add(built);
                    throw new IllegalStateException("job class loaders are closed: the node is stopping");
                }
                Slot existing = slots.get(id);
                if (existing != null) {
                    toClose.add(built);  // another thread built it first
                    return lease(existing);
                }
                evictForOneMore(toClose);
                Slot slot = new Slot(id, built);
                slots.put(id, slot);
                LOG.debug("Class loader for code set {} opened over {}", id, set.entries());
                return lease(slot);
            }
        } finally {
            toClose.forEach(JobLoaders::closeQuietly);
        }
    }

    /**
     * The entries of {@code set} this node's class path lacks. An entry it has, byte for byte, is
     * loaded by the node's own loader: the same build of a job's code runs with the node's classes
     * (no second copy in metaspace, and static state shared with the node, as without shipping),
     * while another build of the same class names gets a loader of its own.
     */
    private static CodeSet notOnThisNode(CodeSet set) {
        if (set.isEmpty()) {
            return set;
        }
        Set<String> own = PackedEntries.ownClassPath();
        List<CodeEntry> missing = set.entries().stream().filter(e -> !own.contains(e.sha256())).toList();
        return missing.size() == set.entries().size() ? set : new CodeSet(missing);
    }

    /**
     * Closes and forgets the loaders no lease holds that were last used {@code idle} or longer
     * before {@code nowMillis}; returns how many. Cached files stay for the next use.
     */
    public int sweep(long nowMillis) {
        List<JobClassLoader> idle = new ArrayList<>();
        synchronized (this) {
            slots.values().removeIf(slot -> {
                boolean expired = slot.leases == 0 && nowMillis - slot.lastUsed >= idleMillis;
                if (expired) {
                    idle.add(slot.loader);
                }
                return expired;
            });
        }
        idle.forEach(JobLoaders::closeQuietly);
        return idle.size();
    }

    /** How many loaders are open. */
    public synchronized int size() {
        return slots.size();
    }

    /** Closes every loader, in use or not: for a node that stops. Later {@link #loaderFor} calls fail. */
    @Override
    public void close() {
        List<JobClassLoader> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            slots.values().forEach(slot -> all.add(slot.loader));
            slots.clear();
        }
        all.forEach(JobLoaders::closeQuietly);
    }

    // ------------------------------------------------------------------------------- the loaders

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("job class loaders are closed: the node is stopping");
        }
    }

    private Lease lease(Slot slot) {
        slot.leases++;
        slot.lastUsed = clock.getAsLong();
        return new Lease(slot);
    }

    /** Makes room for one more loader, closing the least recently used ones no lease holds. */
    private void evictForOneMore(List<JobClassLoader> toClose) {
        while (slots.size() >= maxLoaders) {
            Slot oldest = null;
            for (Slot slot : slots.values()) {
                if (slot.leases == 0 && (oldest == null || slot.lastUsed < oldest.lastUsed)) {
                    oldest = slot;
                }
            }
            if (oldest == null) {
                return;  // all in use: see the class note
            }
            slots.remove(oldest.id);
            toClose.add(oldest.loader);
        }
    }

    private static void closeQuietly(JobClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("Closing class loader {} failed; its jar files may stay open", loader.getName(), e);
        }
    }

    // -------------------------------------------------------------------------- the cache folder

    private URL[] jars(CodeSet set) {
        URL[] urls = new URL[set.entries().size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = cached(set.entries().get(i)).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("a file path is always a URL", e);
            }
        }
        return urls;
    }

    /** The entry's jar in the cache folder, fetched and verified first if it is not there yet. */
    private Path cached(CodeEntry entry) {
        if (entry.sha256() == null || !SHA256.matcher(entry.sha256()).matches()) {
            throw new CodeLoadException(describe(entry) + " has no valid SHA-256 (64 lower-case hex digits)",
                    entry, null);
        }
        Path jar = cacheDir.resolve(entry.sha256() + ".jar");
        if (isComplete(jar, entry)) {
            return jar;  // written only after it was verified, and atomically
        }
        byte[] bytes;
        try {
            bytes = fetch.apply(entry);
        } catch (CodeUnavailableException e) {
            throw new CodeLoadException(e.getMessage(), entry, e);   // it names the entry and what is wrong
        } catch (RuntimeException e) {
            throw new CodeLoadException("could not fetch " + describe(entry) + " from the grid: " + e.getMessage(),
                    entry, e);
        }
        if (bytes == null) {
            throw new CodeLoadException(describe(entry) + " is missing from the grid: it may have expired;"
                    + " submit the job again to upload it", entry, null);
        }
        String actual = sha256(bytes);
        if (!actual.equals(entry.sha256()) || bytes.length != entry.size()) {
            throw new CodeLoadException(describe(entry) + " read from the grid does not match its hash: it has SHA-256 "
                    + actual + " and " + bytes.length + " bytes instead of " + entry.size() + " (altered or damaged in"
                    + " the grid); remove the entry's record from " + GridMaps.CODE_ENTRIES + " and submit again,"
                    + " which uploads it again", entry, null);
        }
        write(jar, bytes, entry);
        return jar;
    }

    private static boolean isComplete(Path jar, CodeEntry entry) {
        try {
            return Files.isRegularFile(jar) && Files.size(jar) == entry.size();
        } catch (IOException e) {
            return false;  // unreadable: fetch it again, and let the write say what is wrong
        }
    }

    /** Through a temporary file and an atomic rename, so no reader ever sees half a jar. */
    private void write(Path jar, byte[] bytes, CodeEntry entry) {
        Path part = null;
        try {
            part = Files.createTempFile(cacheDir, entry.sha256(), ".part");
            Files.write(part, bytes);
            Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(part);
            throw new CodeLoadException("could not write " + describe(entry) + " to the code cache folder "
                    + cacheDir + ": " + e, entry, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("Could not delete {}", file, e);
            }
        }
    }

    static String describe(CodeEntry entry) {
        return "code entry '" + entry.name() + "' (SHA-256 " + entry.sha256() + ")";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    // ---------------------------------------------------------------------------------- the types

    /** One loader and who holds it. Fields guarded by the {@link JobLoaders} instance. */
    private static final class Slot {
        final String id;
        final JobClassLoader loader;
        int leases;
        long lastUsed;

        Slot(String id, JobClassLoader loader) {
            this.id = id;
            this.loader = loader;
        }
    }

    /**
     * A job's hold on its code set's loader: the loader stays open until every lease on it is
     * closed and it has been idle for the idle time. Closing twice is harmless.
     */
    public final class Lease implements AutoCloseable {

        /** Null for an empty code set: the node's loader needs no hold. */
        private final Slot slot;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Slot slot) {
            this.slot = slot;
        }

        /** True when the job has a loader of its own; false when its classes are all the node's. */
        public boolean ownLoader() {
            return slot != null;
        }

        /** The loader to deserialize and run the job's code with. */
        public ClassLoader loader() {
            return slot == null ? node : slot.loader;
        }

        @Override
        public void close() {
            if (slot != null && released.compareAndSet(false, true)) {
                synchronized (JobLoaders.this) {
                    slot.leases--;
                    slot.lastUsed = clock.getAsLong();
                }
            }
        }
    }
}
