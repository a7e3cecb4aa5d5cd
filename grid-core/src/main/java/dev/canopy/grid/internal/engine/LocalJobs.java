package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.code.CodeSet;
import dev.canopy.grid.internal.code.JobLoaders;
import dev.canopy.grid.internal.code.ShippedSpec;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.NotSignedException;
import dev.canopy.grid.internal.trust.Signed;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The jobs this member takes part in, by id: each one's {@link LocalJob} (spec, cancel flag, the
 * drivers it runs here), made the first time a sub-job of the job arrives, from the spec the sender
 * passed along or else from the job record. Remembers the last ten thousand jobs that ended here,
 * so a late message cannot bring one back.
 *
 * <p>Threads: any; the registry is concurrent. What it writes: nothing; it reads a job record
 * when a member new to a job was sent no spec.
 */
final class LocalJobs {

    private static final int ENDED_REMEMBERED = 10_000;

    private final GridMaps maps;
    /** Every spec is opened with it before a byte of it is deserialized. */
    private final ClusterKey key;
    private final ClassLoader classLoader;
    /** The class loaders of jobs that ship code, one per code set. */
    private final JobLoaders loaders;
    /** Told of every job that ended here, after its work stopped: the worker pool forgets its turns. */
    private final Consumer<String> onEnded;
    /** Told of every job that ended here that this member held: its name's meters may expire from now on. */
    private final GridMetrics metrics;
    private final Map<String, LocalJob> jobs = new ConcurrentHashMap<>();
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > ENDED_REMEMBERED;
                }
            }));

    LocalJobs(GridMaps maps, ClusterKey key, ClassLoader classLoader, JobLoaders loaders, Consumer<String> onEnded,
              GridMetrics metrics) {
        this.maps = maps;
        this.key = key;
        this.classLoader = classLoader;
        this.loaders = loaders;
        this.onEnded = onEnded;
        this.metrics = metrics;
    }

    /** The job's state here, or null when this member holds none. */
    LocalJob get(String jobId) {
        return jobs.get(jobId);
    }

    /**
     * This member's state of a job, made from {@code knownSpec} (or else the job record) when it has
     * none yet; null when the job ended or its record is gone.
     *
     * @throws UnreadableSpec when the spec cannot be read here
     */
    LocalJob load(String jobId, byte[] knownSpec) {
        LocalJob job = jobs.get(jobId);
        if (job != null || ended.contains(jobId)) {
            return job;
        }
        byte[] bytes = knownSpec;
        if (bytes == null) {
            JobRecord record = maps.jobs.get(jobId);
            bytes = record == null ? null : record.spec();
        }
        if (bytes == null) {
            return null;
        }
        return add(new LocalJob(jobId, decode(jobId, bytes), bytes));
    }

    /** Adds a job this member accepted; returns the one already there if another thread was first. */
    LocalJob add(LocalJob job) {
        LocalJob raced = jobs.putIfAbsent(job.jobId, job);
        if (raced != null) {
            job.releaseCode();
            return raced;
        }
        return job;
    }

    /**
     * Reads a job's spec: with this member's classes, or, for a job that ships code
     * ({@link ShippedSpec}), with the loader of its code set, which the returned job holds until it
     * ends here.
     *
     * @throws UnreadableSpec when this member cannot read the spec (its classes are missing here, its
     *         code cannot be fetched, or it is corrupt)
     * @throws NotSignedException when the spec is not signed with the cluster's key for {@code jobId}:
     *         nothing of it was deserialized, and the job it claims to be is not to be failed for it
     */
    Decoded decode(String jobId, byte[] spec) {
        return read(open(jobId, spec));
    }

    /**
     * The payload of {@code spec} once its signature verifies for {@code jobId}, read by nothing yet:
     * a submit is refused on this before anything is written.
     *
     * @throws NotSignedException when it does not verify
     */
    byte[] open(String jobId, byte[] spec) {
        return Signed.open(key, ClusterKey.Use.SPEC, jobId, spec);
    }

    /** Reads a spec {@linkplain #open opened} already; see {@link #decode}. */
    @SuppressWarnings("unchecked")
    Decoded read(byte[] payload) {
        Shipped read = readShipped(payload);
        return new Decoded((JobSpec<Object, Object>) read.value(), read.code(), read.lease());
    }

    /**
     * Reads an opened spec of a job or a graph: with this member's classes, or, when it ships code
     * ({@link ShippedSpec}), with its code set's loader, whose lease the caller releases when done.
     *
     * @throws UnreadableSpec when this member cannot read it
     */
    Shipped readShipped(byte[] payload) {
        JobLoaders.Lease lease = null;
        try {
            Object read = Codec.deserialize(payload, classLoader);
            CodeSet code = null;
            if (read instanceof ShippedSpec shipped) {
                code = shipped.code();
                lease = loaders.loaderFor(code);
                read = Codec.deserialize(shipped.spec(), lease.loader());
            }
            return new Shipped(read, code, lease);
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            throw new UnreadableSpec(e);
        }
    }

    /** A spec as read, its code and the lease on its code's loader (both null when it ships none). */
    record Shipped(Object value, CodeSet code, JobLoaders.Lease lease) {
    }

    /** Where a spec that ships no code was read: this member's own classes. */
    ClassLoader classLoader() {
        return classLoader;
    }

    /** A job's spec as this member read it, its code and the lease on its code's loader (both null when it ships none). */
    record Decoded(JobSpec<Object, Object> spec, CodeSet code, JobLoaders.Lease lease) {
    }

    /** A job's spec that this member cannot read: a lasting fault, unlike a grid call that failed. */
    static final class UnreadableSpec extends RuntimeException {
        UnreadableSpec(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    Collection<LocalJob> all() {
        return jobs.values();
    }

    boolean isEmpty() {
        return jobs.isEmpty();
    }

    /** Routes a child's report to the driver of its parent here, if it still runs. */
    void childDone(String jobId, String parentPath, String path, AttemptId attempt, List<Piece> outcome) {
        LocalJob job = jobs.get(jobId);
        DriverRun driver = job == null ? null : job.drivers.get(parentPath);
        if (driver != null) {
            driver.onChildDone(path, attempt, outcome);
        }
    }

    /** The job's result appeared: forget it here and stop its work. */
    void ended(String jobId) {
        ended.add(jobId);
        LocalJob job = jobs.remove(jobId);
        if (job != null) {
            job.cancel();
            for (DriverRun driver : job.drivers.values()) {
                driver.abandon();
            }
            metrics.jobEnded(job.spec.name());
        }
        onEnded.accept(jobId);
    }

    /** The job ended elsewhere: stop its work here; its state goes when its result is seen. */
    void cancel(String jobId) {
        ended.add(jobId);
        LocalJob job = jobs.get(jobId);
        if (job != null) {
            job.cancel();
        }
    }

    /** Cancels every job here: the engine stops. */
    void cancelAll() {
        for (LocalJob job : jobs.values()) {
            job.cancel();
        }
    }
}
