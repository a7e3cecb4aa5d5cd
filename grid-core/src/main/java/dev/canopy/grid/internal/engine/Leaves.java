package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leaves of this member: queues them on the {@link WorkerPool}, knows which run now (to mark
 * them RUNNING in their records), and queues again, a little later, a leaf whose map data could
 * not be read, a few times before its job fails naming the map.
 *
 * <p>It also frees the workers of cancelled jobs: a running leaf whose job was cancelled (by the
 * user, a timeout, a failure, or because its result is in) has its thread interrupted; a task that
 * ignores the interrupt for longer than the cancel grace has its thread abandoned, and the pool
 * starts another, so a task that never returns costs one thread's memory but no capacity.
 *
 * <p>Threads: leaves are queued from control and driver-pool threads, run on workers, and marked
 * running and supervised on the watchdog's timer.
 */
final class Leaves {

    private static final Logger LOG = LoggerFactory.getLogger(Leaves.class);
    private static final int MAX_RERUNS = 5;
    /** How often running leaves are checked for a cancel: the delay before a cancelled task is interrupted. */
    static final long SUPERVISE_MILLIS = 100;

    private final Shared shared;
    private final WorkerPool workers;
    private final ScheduledExecutorService timer;
    private final Set<LeafRun> running = ConcurrentHashMap.newKeySet();
    private final long cancelGraceNanos;

    Leaves(Shared shared, WorkerPool workers, ScheduledExecutorService timer, long cancelGraceMillis) {
        this.shared = shared;
        this.workers = workers;
        this.timer = timer;
        this.cancelGraceNanos = TimeUnit.MILLISECONDS.toNanos(cancelGraceMillis);
    }

    /** Starts checking running leaves for cancels, on the timer. */
    void startSupervising() {
        timer.scheduleWithFixedDelay(this::supervise, SUPERVISE_MILLIS, SUPERVISE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Interrupts the leaves of cancelled jobs, and abandons the threads of those that ignore it past the grace. */
    void supervise() {
        long now = System.nanoTime();
        for (LeafRun run : running) {
            if (!run.job().isCancelled()) {
                continue;
            }
            run.interruptIfRunning(now);
            if (run.abandonIfStuck(workers, now, cancelGraceNanos)) {
                LOG.warn("Task {} of job {} ('{}') ignored its cancel for {} ms; its worker thread {} is abandoned"
                                + " to it and replaced ({} such threads now)", run.currentTask(), run.job().jobId,
                        run.job().spec.name(), TimeUnit.NANOSECONDS.toMillis(cancelGraceNanos),
                        threadName(run.runner()), workers.stuck());
            }
        }
    }

    /**
     * Busy workers whose leaf is not worth waiting for when the member leaves: a leaf of a cancelled
     * job, or one whose task called {@code System.exit}, which never returns (its thread waits in
     * the JVM's exit for the shutdown hooks, this member's close among them). Abandoned threads are
     * not counted, as the pool no longer counts them busy.
     */
    int busyNotWaitedFor() {
        int n = 0;
        for (LeafRun run : running) {
            if (!run.isAbandoned() && (run.job().isCancelled() || inExit(run.runner()))) {
                n++;
            }
        }
        return n;
    }

    /**
     * This member is leaving with these leaves still running: each one's record says so, and names
     * the task it ran, so the driver that re-delegates it counts an attempt of its tasks (and, if
     * that was their last, fails the job naming the task), instead of handing it on as fresh work.
     * Says in the log which job and task each one ran, and which task called {@code System.exit}.
     */
    void recordLeftRunning(boolean jvmExiting) {
        for (LeafRun run : running) {
            LocalJob job = run.job();
            if (job.isCancelled()) {
                continue;
            }
            String task = run.currentTask();
            Thread thread = run.runner();
            if (inExit(thread)) {
                LOG.error("Task {} of job {} ('{}') called System.exit (or Runtime.halt) on thread {}: the JVM of"
                        + " this member is ending. The run counts as a failed attempt of its tasks",
                        task, job.jobId, job.spec.name(), threadName(thread));
            } else {
                LOG.warn("{} while task {} of job {} ('{}') runs on thread {}; the run counts as an attempt of its"
                        + " tasks", jvmExiting ? "The JVM is exiting" : "This member leaves", task, job.jobId,
                        job.spec.name(), threadName(thread));
            }
            try {
                recordLeftRunning(job, run.leaf(), task);
            } catch (RuntimeException e) {
                LOG.debug("Could not record that leaf {}/{} ran when this member left", job.jobId, run.leaf().path(), e);
            }
        }
    }

    private void recordLeftRunning(LocalJob job, SubJobRecord leaf, String task) {
        if (!job.unrecordedLeaves.remove(leaf.path())) {
            shared.maps().subjobs.executeOnKey(leaf.key(), new Processors.LeftRunning(leaf.attemptId(), leaf.assignee(),
                    task));
            return;
        }
        // a job's one leaf, with no record (see LocalJob.unrecordedLeaves): write its tree now, so
        // the job's next top driver adopts the leaf, and counts its attempt, instead of planning it anew
        DriverRun root = job.drivers.get(leaf.parentPath());
        if (root == null) {
            return;
        }
        long now = shared.clock().getAsLong();
        SubJobRecord rootRecord = root.record().toBuilder().children(1).state(SubJobState.RUNNING).updatedMillis(now)
                .build();
        SubJobRecord leafRecord = leaf.toBuilder().state(SubJobState.RUNNING).leftRunning(task).updatedMillis(now)
                .build();
        shared.maps().subjobs.putAll(Map.of(rootRecord.key(), rootRecord, leafRecord.key(), leafRecord));
        job.treeRecorded = true;
    }

    /** True when {@code thread} is inside {@code System.exit} or {@code Runtime.halt}. */
    static boolean inExit(Thread thread) {
        if (thread == null) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            String cls = frame.getClassName();
            if (cls.equals("java.lang.Shutdown")
                    || cls.equals("java.lang.Runtime") && (frame.getMethodName().equals("exit")
                    || frame.getMethodName().equals("halt"))) {
                return true;
            }
        }
        return false;
    }

    private static String threadName(Thread t) {
        return t == null ? "(ended)" : t.getName();
    }

    /** A new run of {@code leaf}, not queued yet. */
    LeafRun newRun(LocalJob job, SubJobRecord leaf) {
        return new LeafRun(shared, this, job, leaf);
    }

    void queue(LeafRun run) {
        workers.submit(run.job().jobId, run.job().spec.settings().priority(), run);
    }

    void started(LeafRun run) {
        running.add(run);
    }

    void ended(LeafRun run) {
        running.remove(run);
        run.job().heldLeaves.remove(Tree.heldKey(run.leaf()));
    }

    /**
     * Marks RUNNING in their records the leaves running here now (the watchdog calls it once a
     * second): progress and the status page show long leaves as running, at a cost of at most one
     * grid call per worker thread a second, where a call per leaf would cost more than short
     * leaves themselves.
     */
    void markRunning() {
        for (LeafRun run : running) {
            if (run.markRunningOnce()) {
                SubJobRecord leaf = run.leaf();
                shared.maps().subjobs.submitToKey(leaf.key(), new Processors.MarkRunning(leaf.attemptId(), leaf.assignee()));
            }
        }
    }

    /** Reading the leaf's data failed: queue it again a little later, a few times, then fail the job. */
    void rerunLater(LeafRun run, LeafRun.DataUnavailable error) {
        LocalJob job = run.job();
        SubJobRecord leaf = run.leaf();
        if (++run.reruns > MAX_RERUNS) {
            shared.verdicts().jobFailed(job.jobId, job.spec.name(), "leaf " + leaf.path() + " could not read its"
                    + " entries of map '" + error.mapName + "' after " + MAX_RERUNS + " tries", error.getCause());
            return;
        }
        LOG.debug("Leaf {}/{} could not read its data; running it again", leaf.jobId(), leaf.path(), error);
        timer.schedule(() -> queue(run), 200L * run.reruns, TimeUnit.MILLISECONDS);
    }
}
