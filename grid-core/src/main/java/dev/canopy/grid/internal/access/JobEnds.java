package dev.canopy.grid.internal.access;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobState;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.ProgressAggregator;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends jobs: writes a job's outcome once, stops its remaining work, and then settles its records.
 * The result is written with {@code putIfAbsent}, so exactly one of a completion, a failure or a
 * cancel wins, whoever sends it (a top driver, a timeout, a handle's cancel on a client).
 *
 * <p>What it writes: the job's result (with the result's time-to-live), then, off the caller's
 * thread, the tree's records set to expire with it and the job record finished with its final
 * progress. Threads: any caller; the settling runs on the access timer.
 */
public final class JobEnds {

    private static final Logger LOG = LoggerFactory.getLogger(JobEnds.class);
    private static final int SETTLE_TRIES = 50;
    private static final long SETTLE_MILLIS = 100;
    /** A forger racing each replace of its entry gets this many turns before the writer gives up. */
    private static final int FORGED_REPLACE_TRIES = 10;

    private final HazelcastInstance hz;
    private final GridMaps maps;
    private final ClusterKey key;
    private final ResultWatch watch;
    private final long resultTtlMillis;
    private final ScheduledExecutorService timer;

    JobEnds(HazelcastInstance hz, GridMaps maps, ResultWatch watch, long resultTtlMillis,
            ScheduledExecutorService timer, ClusterKey key) {
        this.hz = hz;
        this.maps = maps;
        this.key = key;
        this.watch = watch;
        this.resultTtlMillis = resultTtlMillis;
        this.timer = timer;
    }

    /** A user's cancel: false when the job is unknown or has ended already. */
    public boolean cancel(String id) {
        return terminate(id, JobOutcome.cancelled(null));
    }

    /** Ends a job that may not exist or may have ended: reads its record first. */
    public boolean terminate(String id, JobOutcome outcome) {
        JobRecord record = maps.jobs.executeOnKey(id, new Processors.Peek());
        if (record == null || record.state().isTerminal()) {
            return false;
        }
        return end(id, outcome, true);
    }

    /**
     * Ends a job known to exist with {@code outcome}, unless it has ended already: the engine's
     * path, one grid call before the result shows. {@code treeRecorded} false: the job's tree
     * wrote no record, so ending it reads none.
     */
    public boolean end(String id, JobOutcome outcome, boolean treeRecorded) {
        JobOutcome sealed = outcome.sealed(key, id);
        if (!write(id, sealed)) {
            return false;
        }
        // handles here (often the submitter: its jobs are placed here) need not wait for the event
        watch.deliver(id, sealed);
        if (outcome.state() != JobState.COMPLETED) {
            maps.control.executeOnAllMembers(new CancelJob(id, localId(), key));
        }
        timer.execute(() -> settle(id, outcome, treeRecorded, 0));
        return true;
    }

    /**
     * Writes a graph's end unless it has one, and completes the handles here: a graph has no tree,
     * no job record and no work of its own to stop (its stages are jobs, ended on their own).
     * False when the graph had ended already.
     */
    public boolean endGraph(String id, JobOutcome outcome) {
        JobOutcome sealed = outcome.sealed(key, id);
        if (!write(id, sealed)) {
            return false;
        }
        watch.deliver(id, sealed);
        return true;
    }

    /** The results' time-to-live this member or client writes ends with (0 on a client: forever). */
    public long resultTtlMillis() {
        return resultTtlMillis;
    }

    /** This member's or client's id, which a refused cancel is logged under. */
    private UUID localId() {
        return hz.getLocalEndpoint().getUuid();
    }

    /**
     * Writes the job's end unless a true one is there already. An end that does not verify (written
     * by whoever lacks the key, to hand the job's handles a result of their choosing) is no end: it
     * is replaced, with a WARN, and never delivered.
     */
    private boolean write(String id, JobOutcome sealed) {
        for (int tries = 0; tries < FORGED_REPLACE_TRIES; tries++) {
            JobOutcome there = maps.results.putIfAbsent(id, sealed, resultTtlMillis, TimeUnit.MILLISECONDS);
            if (there == null) {
                return true;
            }
            if (there.verifies(key, id)) {
                return false;
            }
            Refusals.warn(hz, "the end of job " + id + " found in canopy.results (" + there.state()
                    + ")", null, "not sealed with this cluster's key; the job's true end replaces it");
            if (maps.results.replace(id, there, sealed)) {
                return true;
            }
        }
        throw new IllegalStateException("could not write the end of job " + id + ": entries not sealed with this"
                + " cluster's key keep replacing it in canopy.results");
    }

    /**
     * After a job's result is written: records its final progress, lets its records expire with the
     * result and drops its spec. Off the caller's thread: the result is what handles wait for, and
     * the rest is recomputable from the records until it is done.
     */
    private void settle(String id, JobOutcome outcome, boolean treeRecorded, int tries) {
        try {
            // one pass over the job's partition ends the tree, lets it expire and reads it for the final progress
            Map<SubJobKey, SubJobRecord> ended = !treeRecorded ? Map.of()
                    : maps.subjobs.executeOnEntries(new Processors.EndTree(resultTtlMillis),
                            Predicates.partitionPredicate(id, new Processors.OfJob(id)));
            ProgressAggregator sums = new ProgressAggregator();
            ended.entrySet().forEach(sums::accumulate);
            boolean completed = outcome.state() == JobState.COMPLETED;
            if (completed && sums.aggregate().unsettled() > 0 && tries < SETTLE_TRIES) {
                // a stale attempt may still be committing: give it a moment, so the finished records are final
                timer.schedule(() -> settle(id, outcome, true, tries + 1), SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            // the record's own counts complete the progress where it lives: no read before the write
            // (a record to log comes back only when there is a log to write: it is most of the answer's bytes)
            JobRecord done = maps.jobs.executeOnKey(id, new Processors.Finish(outcome.state(),
                    completed ? outcome.failures() : null, ended.isEmpty() ? null : sums.aggregate(), resultTtlMillis,
                    LOG.isInfoEnabled()));
            if (done != null) {
                LOG.info("Job {} ('{}') {}: {} tasks, {} failed", id, done.name(),
                        completed ? "completed" : "ended " + outcome.state(), done.progress().total(),
                        done.progress().failed());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not settle the records of job {}, which ended {}; its records are left as they are",
                    id, outcome.state(), e);
        }
    }
}
