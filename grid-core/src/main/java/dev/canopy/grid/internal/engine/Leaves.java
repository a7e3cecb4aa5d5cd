package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leaves of this member: queues them on the {@link WorkerPool}, knows which run now (to mark
 * them RUNNING in their records), and queues again, a little later, a leaf whose map data could
 * not be read, a few times before its job fails naming the map.
 *
 * <p>Threads: leaves are queued from control and driver-pool threads, run on workers, and marked
 * running on the watchdog's timer.
 */
final class Leaves {

    private static final Logger LOG = LoggerFactory.getLogger(Leaves.class);
    private static final int MAX_RERUNS = 5;

    private final Shared shared;
    private final WorkerPool workers;
    private final ScheduledExecutorService timer;
    private final Set<LeafRun> running = ConcurrentHashMap.newKeySet();

    Leaves(Shared shared, WorkerPool workers, ScheduledExecutorService timer) {
        this.shared = shared;
        this.workers = workers;
        this.timer = timer;
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
