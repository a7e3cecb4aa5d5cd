package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.placement.Splitter;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.store.Pieces.Failed;
import dev.canopy.grid.internal.store.Pieces.Partial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting and ending jobs: takes the top-driver role for a job (when it is submitted here, or when
 * its driver left), plans and drives its root, arms its timeout, and ends it as completed or failed.
 *
 * <p>What it owns: nothing but the rules; the jobs themselves are the {@link Engine}'s
 * {@link LocalJob}s. It writes a job's spec and record when it takes the job, and its outcome (via
 * {@link GridAccess#end}) when the job ends or counts failures.
 *
 * <p>Threads: new jobs arrive on Hazelcast's {@code canopy.control} executor threads or the
 * submitting thread; takeovers run on the driver pool; retries and timeouts on the engine's timer;
 * failures are reported from driver-pool and worker threads.
 */
final class JobLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);
    private static final int MAX_DRIVE_ATTEMPTS = 3;

    private final Engine engine;
    private final HazelcastInstance hz;
    private final GridAccess access;
    private final GridMaps maps;
    private final EngineSettings settings;
    private final Placement placement;
    private final ScheduledExecutorService timer;
    private final UUID localId;

    JobLifecycle(Engine engine, GridAccess access, EngineSettings settings, Placement placement,
                 ScheduledExecutorService timer) {
        this.engine = engine;
        this.hz = engine.hazelcast();
        this.access = access;
        this.maps = engine.maps();
        this.settings = settings;
        this.placement = placement;
        this.timer = timer;
        this.localId = engine.localId();
    }

    /**
     * A new job arrived at the owner of its partition: write its spec and its record (already
     * RUNNING with this member as top driver, so no further call takes the role), then start driving
     * it on the driver pool. Returns once the records are written, which is when submit returns.
     */
    void acceptJob(JobRecord submitted, byte[] spec) {
        String jobId = submitted.id();
        // a job over a whole map learns its size here; any other job knows it, and its spec is
        // decoded while its records travel
        JobSpec<Object, Object> decoded = submitted.total() < 0 ? decode(spec) : null;
        long total = decoded != null ? totalOf(decoded) : submitted.total();
        JobRecord record = submitted.started(localId, total, System.currentTimeMillis()).withSpec(spec);
        CompletableFuture<Void> recorded = maps.jobs.setAsync(jobId, record).toCompletableFuture();
        if (decoded == null) {
            try {
                decoded = decode(spec);
            } catch (RuntimeException e) {
                // its classes are missing here: the job ends failed, and the submitter hears why at once
                recorded.join();
                access.end(jobId, new JobOutcome(JobState.FAILED, null, e, List.of()));
                throw e;
            }
        }
        LocalJob job = new LocalJob(jobId, decoded, spec, recorded);
        LocalJob raced = engine.localJobs().putIfAbsent(jobId, job);
        // the root is planned and its children written while the job's own record is written;
        // DriverRun dispatches nothing before both are durable, but a lone local leaf, which writes
        // nothing before the result (see DriverRun.plan)
        drive(raced != null ? raced : job, record, null, 1);
        recorded.join();
    }

    /**
     * Takes the top-driver role for a job: when it is new, or when {@code replacing} (its driver)
     * left. Resumes from the records when the tree exists already.
     */
    void startJob(String jobId, UUID replacing) {
        try {
            LocalJob job = engine.localJob(jobId);
            if (job == null) {
                return;
            }
            JobRecord taken = maps.jobs.executeOnKey(jobId, new Processors.TakeJob(localId, replacing, totalOf(job.spec)));
            if (taken == null) {
                return;
            }
            if (replacing != null) {
                LOG.info("Took over job {} ('{}') as top driver from member {}", jobId, job.spec.name(), replacing);
            }
            drive(job, taken, replacing, 1);
        } catch (RuntimeException e) {
            LOG.warn("Could not take over job {}; the watchdog tries again in a second", jobId, e);
        }
    }

    /**
     * Drives the root of a job this member just became top driver of; resumes from the root's record
     * after a takeover ({@code replacing} set). When the grid calls fail, tries again a few times a
     * second apart, resuming from whatever was written, then fails the job.
     */
    private void drive(LocalJob job, JobRecord taken, UUID replacing, int attempt) {
        String jobId = job.jobId;
        try {
            scheduleTimeout(taken);
            if (taken.total() == 0) {
                job.recorded.join();
                completeJob(job, List.of(new Partial(job.spec.reducer().identity())));
                return;
            }
            SubJobKey rootKey = new SubJobKey(jobId, SubJobKey.ROOT);
            SubJobRecord root = replacing == null ? null : maps.subjobs.get(rootKey);
            if (root == null) {
                root = new SubJobRecord(jobId, SubJobKey.ROOT, null, false, initialSlice(job.spec, taken.total()),
                        placement.liveGroup(List.of()), localId, null, 1, SubJobState.ASSIGNED,
                        leafSizeFor(job.spec, taken.total()), 1, null, 0, 0, null, System.currentTimeMillis(), 0);
                engine.runDriver(job, root, false);
            } else {
                if (!root.assignee().equals(localId)) {
                    root = maps.subjobs.executeOnKey(rootKey, new Processors.Reassign(root.attempt(), localId, null));
                }
                engine.runDriver(job, root, true);
            }
        } catch (RuntimeException e) {
            if (attempt >= MAX_DRIVE_ATTEMPTS || engine.isClosing()) {
                LOG.warn("Could not drive job {}; it fails", jobId, e);
                access.end(jobId, new JobOutcome(JobState.FAILED, null, new RetriableGridException("job " + jobId
                        + " could not be started: " + e.getMessage(), e), List.of()));
                return;
            }
            LOG.warn("Could not drive job {} (attempt {}); trying again in a second", jobId, attempt, e);
            timer.schedule(() -> drive(job, taken, localId, attempt + 1), 1, TimeUnit.SECONDS);
        }
    }

    private void scheduleTimeout(JobRecord record) {
        if (record.timeoutMillis() <= 0) {
            return;
        }
        long delay = Math.max(0, record.submittedMillis() + record.timeoutMillis() - System.currentTimeMillis());
        timer.schedule(() -> {
            TimeoutException cause = new TimeoutException("job " + record.id() + " ('" + record.name()
                    + "') ran longer than its timeout of " + record.timeoutMillis() + " ms");
            access.terminate(record.id(), new JobOutcome(JobState.CANCELLED, null, cause, List.of()));
        }, delay, TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    private JobSpec<Object, Object> decode(byte[] spec) {
        return (JobSpec<Object, Object>) Codec.deserialize(spec, engine.classLoader());
    }

    /** Tasks in the job: known from the spec, or the map's size for a job over a whole map. */
    private long totalOf(JobSpec<?, ?> spec) {
        long known = spec.knownSize();
        return known >= 0 ? known : hz.getMap(spec.mapName()).size();
    }

    private Slice initialSlice(JobSpec<?, ?> spec, long total) {
        switch (spec.kind()) {
            case RANGE:
            case LIST:
                return new Slice.IndexSlice(spec.from(), spec.to());
            case KEYED:
                return new Slice.KeySlice(spec.keys());
            default:
                int count = placement.partitionCount();
                int[] ids = new int[count];
                for (int i = 0; i < count; i++) {
                    ids[i] = i;
                }
                return new Slice.PartitionSlice(ids, total);
        }
    }

    private int leafSizeFor(JobSpec<?, ?> spec, long total) {
        if (spec.leafSize() > 0) {
            return spec.leafSize();
        }
        if (settings.leafSize() > 0) {
            return settings.leafSize();
        }
        int threads = 0;
        for (UUID member : placement.liveGroup(List.of())) {
            threads += placement.workerThreadsOf(member);
        }
        return Splitter.adaptiveLeafSize(total, threads);
    }

    /** The root committed: the job completes, unless more tasks failed for good than it tolerates. */
    void completeJob(LocalJob job, List<Object> rootOutcome) {
        Object result = null;
        List<TaskFailure> failures = new ArrayList<>();
        Failed first = null;
        for (Object piece : rootOutcome) {
            if (piece instanceof Partial p) {
                result = p.value();
            } else if (piece instanceof Failed f) {
                failures.add(f.failure());
                first = first == null ? f : first;
            }
        }
        if (failures.size() > job.spec.tolerateFailures()) {
            access.end(job.jobId, new JobOutcome(JobState.FAILED, null, jobFailed(job, first), failures));
        } else {
            access.end(job.jobId, new JobOutcome(JobState.COMPLETED, result, null, failures), job.treeRecorded);
        }
    }

    /** Counts tasks that failed for good; fails the job as soon as they exceed its tolerance. */
    void recordFailures(LocalJob job, List<Failed> failed) {
        List<TaskFailure> list = new ArrayList<>(failed.size());
        for (Failed f : failed) {
            list.add(f.failure());
        }
        int count = maps.jobs.executeOnKey(job.jobId, new Processors.AddFailures(list, list.size()));
        if (count > job.spec.tolerateFailures()) {
            access.end(job.jobId, new JobOutcome(JobState.FAILED, null, jobFailed(job, failed.get(0)), list));
        }
    }

    private static JobFailedException jobFailed(LocalJob job, Failed f) {
        TaskFailure failure = f.failure();
        return new JobFailedException("job " + job.jobId + " ('" + job.spec.name() + "') failed: task "
                + failure.task() + " failed after " + failure.attempts() + " attempt(s): " + failure.error(),
                failure.task(), failure.attempts(), f.error());
    }

    void failOnReducer(String jobId, Throwable error) {
        LocalJob job = engine.localJobs().get(jobId);
        String name = job == null ? "" : " ('" + job.spec.name() + "')";
        JobFailedException failed = new JobFailedException("job " + jobId + name + " failed: its reducer threw "
                + Errors.describe(error), "reducer", 0, Errors.portable(error));
        access.end(jobId, new JobOutcome(JobState.FAILED, null, failed, List.of()));
    }
}
