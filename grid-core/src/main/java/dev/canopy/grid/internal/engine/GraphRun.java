package dev.canopy.grid.internal.engine;

import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.StageInputs;
import dev.canopy.grid.StageState;
import dev.canopy.grid.internal.access.Failures;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.code.CodeSet;
import dev.canopy.grid.internal.code.JobLoaders;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.GraphSpec;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.JobSpecs;
import dev.canopy.grid.internal.store.GraphProcessors;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.StageRecord;
import dev.canopy.grid.internal.store.UserValue;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The driver of one job graph on this member: starts each stage's job once the stages it comes
 * after have completed, records every step in the graph's record, and writes the graph's end.
 *
 * <p>Everything it decides, it decides from the record, read afresh at each step, so a driver that
 * takes the graph over (after its driver was lost) simply runs the same steps: stages with a job
 * are watched, not started again; a stage STARTING (its job id reserved, the job perhaps not
 * created) gets its job created under that same id only if no member has it. The fence is
 * {@link GraphProcessors.ReserveStage}: only the record's driver moves a stage out of WAITING.
 *
 * <p>Threads: {@link #advance()} runs on the driver pool, one call at a time (it is synchronized),
 * woken by a stage job's end, by a retry a second after a failed grid call, and at the start.
 * A stage's job is created (its factory run, user code on the graph's class loader, and the job
 * submitted) on a driver-pool thread of its own, so stages ready together start side by side.
 */
final class GraphRun {

    private static final Logger LOG = LoggerFactory.getLogger(GraphRun.class);
    private static final long RETRY_MILLIS = 1_000;
    /** WAITING, STARTING, RUNNING, ended: a stage changes at most a few times. */
    private static final int MAX_PASSES_PER_STAGE = 4;

    private final String id;
    private final GraphSpec spec;
    private final CodeSet code;
    private final JobLoaders.Lease lease;
    private final Shared shared;
    private final GridAccess access;
    private final Executor driverPool;
    private final ScheduledExecutorService timer;
    private final Supplier<JobId> newJobId;
    private final BiConsumer<JobRecord, byte[]> submitter;
    private final Map<String, JobHandle<Object>> stageJobs = new ConcurrentHashMap<>();
    /** Stages whose job this driver is creating now, apart from {@link #advance()}: it leaves them alone. */
    private final Set<String> creating = ConcurrentHashMap.newKeySet();
    private final Runnable onStopped;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> timeout;

    GraphRun(String id, GraphSpec spec, CodeSet code, JobLoaders.Lease lease, Shared shared, GridAccess access,
             Executor driverPool, ScheduledExecutorService timer, Supplier<JobId> newJobId,
             BiConsumer<JobRecord, byte[]> submitter, Runnable onStopped) {
        this.id = id;
        this.spec = spec;
        this.code = code;
        this.lease = lease;
        this.shared = shared;
        this.access = access;
        this.driverPool = driverPool;
        this.timer = timer;
        this.newJobId = newJobId;
        this.submitter = submitter;
        this.onStopped = onStopped;
    }

    /** Arms the graph's timeout and takes the first steps; {@code record} is the record as this driver took it. */
    void start(GraphRecord record) {
        if (record.timeoutMillis() > 0) {
            long delay = Math.max(0, record.submittedMillis() + record.timeoutMillis() - shared.clock().getAsLong());
            timeout = timer.schedule(this::timedOut, delay, TimeUnit.MILLISECONDS);
        }
        wake();
    }

    /** Stops driving here: the graph ended, another member drives it, or the engine stops. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        if (lease != null) {
            lease.close();
        }
        onStopped.run();
    }

    boolean isStopped() {
        return stopped;
    }

    private void wake() {
        if (!stopped) {
            driverPool.execute(this::advance);
        }
    }

    private void timedOut() {
        TimeoutException cause = new TimeoutException("graph " + id + " ('" + spec.name() + "') ran longer than its"
                + " timeout of " + spec.timeoutMillis() + " ms");
        try {
            access.graphs().cancel(id, cause);
        } catch (RuntimeException e) {
            LOG.warn("Could not end graph {} at its timeout; trying again in a second", id, e);
            timer.schedule(this::timedOut, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * One round of steps from the record: ends the stages whose jobs ended, fails those after a
     * failed one, starts those whose stages before have completed, and ends the graph once every
     * stage has ended. Each change is one entry processor on the record, which returns the record
     * it left, so a round reads the record once.
     */
    synchronized void advance() {
        if (stopped) {
            return;
        }
        try {
            GraphRecord r = shared.maps().graphs.executeOnKey(id, new GraphProcessors.Peek());
            if (r == null) {
                // its record expired or was lost with more members than backupCount: nothing left to drive
                stop();
                return;
            }
            // each pass makes one change; a graph needs a few per stage, so more passes mean a bug,
            // not work: the bound keeps a record that changes under this driver from spinning it
            for (int pass = 0; pass < MAX_PASSES_PER_STAGE * r.stages().size() + 1; pass++) {
                if (!drivenHere(r)) {
                    stop();
                    return;
                }
                GraphRecord next = null;
                for (StageRecord s : r.stages()) {
                    next = step(r, s);
                    if (next != null) {
                        break;
                    }
                }
                if (next == null) {
                    break;
                }
                r = next;
            }
            if (allEnded(r)) {
                finish(r);
            }
        } catch (RuntimeException e) {
            if (stopped) {
                return;
            }
            LOG.warn("Driving graph {} ('{}') failed; trying again in a second", id, spec.name(), e);
            timer.schedule(this::wake, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean drivenHere(GraphRecord r) {
        return r != null && !r.state().isTerminal() && shared.localId().equals(r.driver());
    }

    /** The record after one stage's step, or null when there was nothing to do for it. */
    private GraphRecord step(GraphRecord r, StageRecord s) {
        try {
            return stepOf(r, s);
        } catch (ForgedStage e) {
            return forgedJobId(s);
        }
    }

    private GraphRecord stepOf(GraphRecord r, StageRecord s) {
        switch (s.state()) {
            case WAITING:
                for (String before : s.after()) {
                    StageState state = r.stage(before).state();
                    if (state == StageState.FAILED || state == StageState.CANCELLED) {
                        return ended(s, StageState.FAILED, "it did not run: stage '" + before + "' before it "
                                + (state == StageState.FAILED ? "failed" : "was cancelled"), null);
                    }
                    if (state != StageState.COMPLETED) {
                        return null;
                    }
                }
                return start(s);
            case STARTING:
                return resume(s);
            case RUNNING:
                return watch(s);
            case COMPLETED:
                // its result is one of the graph's; a driver that took over reads it from its job
                watched(s);
                return null;
            default:
                return null;
        }
    }

    /** Reserves the stage's job id in the record (the fence), then creates the job. */
    private GraphRecord start(StageRecord s) {
        String jobId = newJobId.get().toString();
        String seal = StageRecord.sealJob(shared.key(), id, s.name(), jobId);
        GraphRecord reserved = shared.maps().graphs.executeOnKey(id,
                new GraphProcessors.ReserveStage(shared.localId(), s.name(), jobId, seal));
        if (reserved == null) {
            // another driver has the role, or the graph ended: read the record again, which says which
            return shared.maps().graphs.executeOnKey(id, new GraphProcessors.Peek());
        }
        createApart(reserved.stage(s.name()));
        return reserved;
    }

    /**
     * Creates the stage's job on a thread of its own, so stages ready at once start side by side
     * however long each factory takes; its end (or its failure) wakes this driver again.
     */
    private void createApart(StageRecord s) {
        creating.add(s.name());
        driverPool.execute(() -> {
            try {
                if (!stopped) {
                    create(s);
                }
            } catch (RuntimeException e) {
                // the stage stays STARTING: the next round creates its job under the same id if no member has it
                LOG.warn("Creating the job of stage '{}' of graph {} ('{}') failed; trying again in a second", s.name(),
                        id, spec.name(), e);
                timer.schedule(this::wake, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } finally {
                creating.remove(s.name());
                wake();
            }
        });
    }

    /**
     * A stage STARTING: its job id is reserved, and its job exists unless the driver that reserved
     * it was lost first. Creates it, under the same id, only if no member has it.
     */
    private GraphRecord resume(StageRecord s) {
        if (!s.jobVerifies(shared.key(), id)) {
            throw new ForgedStage();
        }
        if (creating.contains(s.name())) {
            return null;
        }
        boolean exists = stageJobs.containsKey(s.name()) || shared.maps().jobs.containsKey(s.jobId())
                || shared.maps().results.containsKey(s.jobId());
        if (!exists) {
            createApart(s);
            return null;
        }
        watched(s);
        return shared.maps().graphs.executeOnKey(id, new GraphProcessors.StageCreated(s.name(), s.jobId()));
    }

    /** Builds the stage's job (running its factory) and submits it under its reserved id. */
    private GraphRecord create(StageRecord s) {
        GraphSpec.Stage stage = spec.stage(s.name());
        JobSpec<?, ?> job;
        try {
            job = stage.job() != null ? stage.job() : fromFactory(stage);
        } catch (Exception | LinkageError e) {
            return ended(s, StageState.FAILED, "its factory threw " + Errors.describe(e), e);
        }
        if (job == null) {
            return ended(s, StageState.FAILED, "its factory returned no job (null)", null);
        }
        JobHandle<Object> handle;
        try {
            handle = submit(job, s.jobId());
        } catch (JobRefusedException e) {
            // lasting: the owner of the job's partition does not hold this member's key
            return ended(s, StageState.FAILED, "its job was refused: " + e.getMessage(), e);
        }
        stageJobs.put(s.name(), handle);
        handle.result().whenComplete((value, error) -> wake());
        if (shared.maps().results.containsKey(id)) {
            // the graph was cancelled while its job was being created: the canceller may not have seen it
            handle.cancel();
        }
        LOG.info("Graph {} ('{}'): stage '{}' started as job {}", id, spec.name(), s.name(), s.jobId());
        return shared.maps().graphs.executeOnKey(id, new GraphProcessors.StageCreated(s.name(), s.jobId()));
    }

    @SuppressWarnings("unchecked")
    private JobHandle<Object> submit(JobSpec<?, ?> job, String jobId) {
        return access.submitStage((JobSpec<Object, Object>) job, JobId.parse(jobId), code, loader(), submitter);
    }

    /** Runs the stage's factory with the results of the stages it comes after, with the graph's classes. */
    private JobSpec<?, ?> fromFactory(GraphSpec.Stage stage) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (String before : stage.after()) {
            inputs.put(before, resultOf(before));
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader());
        try {
            Object job = stage.factory().create(new Inputs(stage.name(), inputs));
            return job == null ? null : JobSpecs.of(job);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A completed stage's result, from its job's end (read once, then kept by the handle). */
    private Object resultOf(String stage) throws ExecutionException, InterruptedException {
        JobHandle<Object> handle = stageJobs.get(stage);
        if (handle == null) {
            handle = watched(shared.maps().graphs.executeOnKey(id, new GraphProcessors.Peek()).stage(stage));
        }
        try {
            return handle.result().get(RESULT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the result of stage '" + stage + "' (job " + handle.id() + ") could not"
                    + " be read within " + RESULT_WAIT_SECONDS + " s", e);
        }
    }

    /** A completed stage's result is in the grid already: reading it takes one call, or the result watch's poll. */
    private static final long RESULT_WAIT_SECONDS = 30;

    /** A RUNNING stage: ends it in the record once its job has ended. */
    private GraphRecord watch(StageRecord s) {
        JobHandle<Object> handle = watched(s);
        if (!handle.result().isDone()) {
            return null;
        }
        try {
            handle.result().join();
            return ended(s, StageState.COMPLETED, null, null);
        } catch (CancellationException e) {
            return ended(s, StageState.CANCELLED, "its job " + s.jobId() + " was cancelled", e);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return ended(s, cause instanceof CancellationException ? StageState.CANCELLED : StageState.FAILED,
                    Errors.describe(Errors.portable(cause)), cause);
        }
    }

    /**
     * The handle on the stage's job, made once: its end wakes this driver. A stage's job id never
     * changes once reserved, so one that differs from the handle's, or that its driver did not seal,
     * was written by someone without the key.
     *
     * @throws ForgedStage then
     */
    private JobHandle<Object> watched(StageRecord s) {
        JobHandle<Object> known = stageJobs.get(s.name());
        if (known != null && known.id().toString().equals(s.jobId())) {
            return known;
        }
        if (known != null || !s.jobVerifies(shared.key(), id)) {
            throw new ForgedStage();
        }
        JobHandle<Object> handle = access.watchJob(JobId.parse(s.jobId()), loader());
        handle.result().whenComplete((value, error) -> wake());
        stageJobs.put(s.name(), handle);
        return handle;
    }

    /** A stage's job id in the record that its driver did not write (see {@link #watched}). */
    private static final class ForgedStage extends RuntimeException {
        ForgedStage() {
            super(null, null, false, false);
        }
    }

    private GraphRecord forgedJobId(StageRecord s) {
        Refusals.warn(shared.hz(), "the job id of stage '" + s.name() + "' of graph " + id + " found in canopy.graphs",
                null, "not sealed with this cluster's key; the stage fails rather than take another job's result");
        return ended(s, StageState.FAILED, "its job id in the graph's record was not sealed with the cluster's key",
                null);
    }

    private GraphRecord ended(StageRecord s, StageState end, String why, Throwable cause) {
        GraphRecord changed = shared.maps().graphs.executeOnKey(id, new GraphProcessors.StageEnded(s.name(), end, why,
                cause == null ? null : Errors.portable(cause)));
        if (changed != null && end != StageState.COMPLETED) {
            LOG.info("Graph {} ('{}'): stage '{}' {}{}", id, spec.name(), s.name(), end.name().toLowerCase(),
                    why == null ? "" : ": " + why);
        }
        return changed;
    }

    private static boolean allEnded(GraphRecord r) {
        for (StageRecord s : r.stages()) {
            if (!s.state().isTerminal()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every stage ended: the graph completes with every stage's result, or fails naming the first
     * stage (in the order they were added) that failed of its own accord, with its cause.
     */
    private void finish(GraphRecord r) {
        StageRecord failed = null;
        for (StageRecord s : r.stages()) {
            // a stage that did not run because one before it failed has neither a job nor a cause
            if (s.state() != StageState.COMPLETED && (s.jobId() != null || s.cause() != null) && failed == null) {
                failed = s;
            }
        }
        JobOutcome outcome;
        if (failed == null) {
            Map<String, Object> results = new LinkedHashMap<>();
            String unread = null;
            for (StageRecord s : r.stages()) {
                JobHandle<Object> handle;
                try {
                    handle = watched(s);
                } catch (ForgedStage e) {
                    forgedJobId(s);
                    failed = s;
                    unread = "completed, but its job id in the graph's record was not sealed with the cluster's key";
                    break;
                }
                if (!handle.result().isDone()) {
                    return;  // its end wakes this driver again
                }
                try {
                    results.put(s.name(), handle.result().join());
                } catch (RuntimeException e) {
                    failed = s;
                    unread = "completed, but its result cannot be read any more";
                    break;
                }
            }
            outcome = failed != null ? failure(failed, unread)
                    : JobOutcome.completed(new UserValue(Codec.serialize(results, "the results of graph '"
                    + spec.name() + "'")), List.of());
        } else {
            outcome = failure(failed, failed.state() == StageState.CANCELLED ? "was cancelled" : "failed");
        }
        if (access.ends().endGraph(id, outcome)) {
            shared.maps().graphs.executeOnKey(id, new GraphProcessors.EndGraph(outcome.state(), StageState.FAILED,
                    null, access.ends().resultTtlMillis()));
            LOG.info("Graph {} ('{}') {}", id, spec.name(), outcome.state() == JobState.COMPLETED
                    ? "completed: " + r.stages().size() + " stages" : "failed at stage '" + failed.name() + "'");
        }
        stop();
    }

    private JobOutcome failure(StageRecord stage, String what) {
        Throwable cause = stage.cause();
        if (cause == null && stage.jobId() != null && stageJobs.get(stage.name()) != null) {
            cause = causeOf(stageJobs.get(stage.name()));
        }
        String why = cause == null && stage.error() != null ? what + ": " + stage.error() : what;
        return JobOutcome.failed(Failures.graphFailed(id, spec.name(), stage.name(), why, cause));
    }

    private static Throwable causeOf(JobHandle<Object> handle) {
        try {
            handle.result().join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** Where the graph's classes come from: its code set's loader, or this member's. */
    private ClassLoader loader() {
        return lease != null ? lease.loader() : shared.jobs().classLoader();
    }

    /** What a factory reads: the results of the stages its stage comes after, and nothing else. */
    private record Inputs(String stage, Map<String, Object> results) implements StageInputs {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(String name) {
            if (!results.containsKey(name)) {
                throw new IllegalArgumentException("stage '" + stage + "' reads the result of '" + name + "', which"
                        + " it does not come after; it comes after: " + (results.isEmpty() ? "none"
                        : String.join(", ", results.keySet())) + " (add '" + name + "' to its after)");
            }
            return (T) results.get(name);
        }

        @Override
        public Set<String> stages() {
            return new LinkedHashSet<>(results.keySet());
        }
    }
}
