package dev.canopy.grid.internal.engine;

import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.internal.placement.Splitter;
import dev.canopy.grid.internal.spec.JobSource;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.NotSignedException;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starting jobs: takes the top-driver role for a job (when it is submitted here, or when its
 * driver left), plans and drives its root, and arms its timeout. How a job ends is
 * {@link Verdicts}'s.
 *
 * <p>What it writes: a new job's record (with its spec), and the record's top driver when it takes
 * a job over; a job whose timeout runs out is ended by {@link Verdicts}.
 *
 * <p>Threads: new jobs arrive on Hazelcast's {@code canopy.control} executor threads or the
 * submitting thread; takeovers run on the driver pool; retries and timeouts on the engine's timer.
 *
 * @param defaultLeafSize the node's leaf size, for jobs that set none; 0 chooses it from the job
 *                        size and the grid's workers
 */
record JobLifecycle(Shared shared, Tree tree, int defaultLeafSize, ScheduledExecutorService timer) {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);
    private static final int MAX_DRIVE_ATTEMPTS = 3;

    /**
     * A new job arrived at the owner of its partition: write its record with its spec (already
     * RUNNING with this member as top driver, so no further call takes the role), then drive it.
     * Returns once the record is written, which is when submit returns. A spec this member cannot
     * read fails the job at once, and the submitter hears why.
     */
    void acceptJob(JobRecord submitted, byte[] spec) {
        String jobId = submitted.id();
        byte[] payload = openOrRefuse(submitted, spec);
        if (acceptedAlready(submitted)) {
            return;
        }
        LocalJobs.Decoded decoded = null;
        LocalJobs.UnreadableSpec unreadable = null;
        if (submitted.total() < 0) {
            // a job over a whole map learns its size here, from its spec; any other job's spec is
            // decoded while its record travels
            try {
                decoded = shared.jobs().read(payload);
            } catch (LocalJobs.UnreadableSpec e) {
                unreadable = e;
            }
        }
        long total = decoded != null ? totalOf(decoded.spec()) : Math.max(0, submitted.total());
        JobRecord record = submitted.started(shared.localId(), total, shared.clock().getAsLong())
                .withSpec(unreadable == null ? spec : null);
        CompletableFuture<Void> recorded = shared.maps().jobs.setAsync(jobId, record).toCompletableFuture();
        if (decoded == null && unreadable == null) {
            try {
                decoded = shared.jobs().read(payload);
            } catch (LocalJobs.UnreadableSpec e) {
                unreadable = e;
            }
        }
        if (unreadable != null) {
            recorded.join();
            cannotRead(submitted, unreadable);
            return;
        }
        LocalJob job = shared.jobs().add(new LocalJob(jobId, decoded, spec, recorded));
        // the root is planned and its children written while the job's own record is written;
        // DriverRun dispatches nothing before both are durable, but a lone local leaf, which writes
        // nothing before the result (see DriverRun.writePlan)
        drive(job, record, null, 1);
        recorded.join();
    }

    /**
     * The spec's payload, or a refusal when it is not signed with the cluster's key for the job's id:
     * before anything is written, and before a byte of it is read.
     *
     * @throws JobRefusedException saying why, to the submitter
     */
    private byte[] openOrRefuse(JobRecord submitted, byte[] spec) {
        try {
            return shared.jobs().open(submitted.id(), spec);
        } catch (NotSignedException e) {
            throw refuse(submitted, e.getMessage());
        }
    }

    /**
     * With a key, refuses a submit whose id is taken already by another submit: a signed spec read
     * from a record could otherwise be submitted again, over the job it belongs to. The same submit
     * arriving twice (its first owner left during the call, and the submitter tried the next) is no
     * replay: true then, and the job, accepted already, is left as it is.
     *
     * @throws JobRefusedException for a replay
     */
    private boolean acceptedAlready(JobRecord submitted) {
        // one local read in the common case: a job's record outlives it as long as its result does
        if (!shared.key().isSet() || !shared.maps().jobs.containsKey(submitted.id())) {
            return false;
        }
        JobRecord existing = shared.maps().jobs.get(submitted.id());
        if (existing != null && existing.submittedMillis() == submitted.submittedMillis()
                && Objects.equals(existing.submitter(), submitted.submitter())) {
            return true;
        }
        throw refuse(submitted, "a job with this id exists already (a replayed submit)");
    }

    /** Logs the refusal and makes the error the submitter gets. */
    private JobRefusedException refuse(JobRecord submitted, String why) {
        Refusals.warn(shared.hz(), "job " + submitted.id() + " ('" + submitted.name() + "')", submitted.submitter(),
                why);
        return new JobRefusedException("job " + submitted.id() + " ('" + submitted.name() + "') refused by member "
                + shared.localId() + ": " + why);
    }

    private void cannotRead(JobRecord job, LocalJobs.UnreadableSpec e) {
        shared.verdicts().jobFailed(job.id(), job.name(), "member " + shared.localId() + " cannot read its spec",
                e.getCause());
    }

    /**
     * Takes the top-driver role for a job: when it is new, or when {@code replacing} (its driver)
     * left. Resumes from the records when the tree exists already. A spec this member cannot
     * read fails the job, once.
     */
    void startJob(String jobId, UUID replacing) {
        LocalJob job;
        try {
            job = shared.jobs().load(jobId, null);
        } catch (NotSignedException e) {
            // a forged or altered record: failing the job it names would let anyone end any job
            Refusals.warn(shared.hz(), "the spec in the record of job " + jobId + ", met when taking it over", null,
                    e.getMessage());
            return;
        } catch (LocalJobs.UnreadableSpec e) {
            shared.verdicts().jobFailed(jobId, null, "member " + shared.localId() + " took the job over but cannot"
                    + " read its spec", e.getCause());
            return;
        }
        if (job == null) {
            return;
        }
        JobRecord taken = shared.maps().jobs.executeOnKey(jobId,
                new Processors.TakeJob(shared.localId(), replacing, totalOf(job.spec)));
        if (taken == null) {
            return;
        }
        if (replacing != null) {
            LOG.info("Took over job {} ('{}') as top driver from member {}", jobId, job.spec.name(), replacing);
        }
        drive(job, taken, replacing, 1);
    }

    /**
     * Drives the root of a job this member just became top driver of; resumes from the root's record
     * after a takeover ({@code replacing} set). When the grid calls fail, tries again a few times a
     * second apart, resuming from whatever was written, then fails the job.
     */
    private void drive(LocalJob job, JobRecord taken, UUID replacing, int attempt) {
        try {
            scheduleTimeout(taken);
            if (taken.total() == 0) {
                job.recorded.join();
                shared.verdicts().complete(job, List.of(new Piece.Partial(job.spec.reducer().identity())));
                return;
            }
            SubJobKey rootKey = new SubJobKey(job.jobId, SubJobKey.ROOT);
            SubJobRecord root = replacing == null ? null : shared.maps().subjobs.get(rootKey);
            if (root == null) {
                tree.runDriver(job, newRoot(job, taken.total()), false);
            } else {
                if (!root.assignee().equals(shared.localId())) {
                    root = shared.maps().subjobs.executeOnKey(rootKey,
                            new Processors.Reassign(root.attemptId(), shared.localId(), null));
                }
                tree.runDriver(job, root, true);
            }
        } catch (RuntimeException e) {
            if (attempt >= MAX_DRIVE_ATTEMPTS || tree.isClosing()) {
                LOG.warn("Could not drive job {}; it fails", job.jobId, e);
                shared.verdicts().jobFailed(job.jobId, job.spec.name(), "it could not be started", e);
                return;
            }
            LOG.warn("Could not drive job {} (attempt {}); trying again in a second", job.jobId, attempt, e);
            timer.schedule(() -> drive(job, taken, shared.localId(), attempt + 1), 1, TimeUnit.SECONDS);
        }
    }

    private SubJobRecord newRoot(LocalJob job, long total) {
        JobSource<?> source = job.spec.source();
        return SubJobRecord.builder(job.jobId, SubJobKey.ROOT)
                .slice(source.initialSlice(shared.placement().partitionCount(), total))
                .group(shared.placement().liveGroup(List.of())).assignee(shared.localId())
                .leafSize(leafSizeFor(job.spec, total)).updatedMillis(shared.clock().getAsLong()).build();
    }

    private void scheduleTimeout(JobRecord record) {
        if (record.timeoutMillis() <= 0) {
            return;
        }
        long delay = Math.max(0, record.submittedMillis() + record.timeoutMillis() - shared.clock().getAsLong());
        timer.schedule(() -> shared.verdicts().timedOut(record), delay, TimeUnit.MILLISECONDS);
    }

    /** Tasks in the job: known from the spec, or the map's size for a job over a whole map. */
    private long totalOf(JobSpec<?, ?> spec) {
        long known = spec.knownSize();
        return known >= 0 || !(spec.source() instanceof JobSource.EntrySource<?> entries) ? known
                : shared.hz().getMap(entries.mapName()).size();
    }

    private int leafSizeFor(JobSpec<?, ?> spec, long total) {
        if (spec.settings().leafSize() > 0) {
            return spec.settings().leafSize();
        }
        if (defaultLeafSize > 0) {
            return defaultLeafSize;
        }
        int threads = 0;
        for (UUID member : shared.placement().liveGroup(List.of())) {
            threads += shared.placement().workerThreadsOf(member);
        }
        return Splitter.adaptiveLeafSize(total, threads);
    }
}
