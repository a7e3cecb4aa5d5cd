package dev.canopy.grid.internal.store;


import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.projection.Projection;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.query.Predicate;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The atomic updates of Canopy's records. Each runs on the partition owner, reads the current
 * record and writes a new one only when the caller's view (attempt, assignee, state) still holds:
 * this is how a stale member is kept from overwriting newer work without any lock.
 *
 * <p>Those that run over many entries (the listing's projection, the tree's predicate, ending a
 * tree) and those on job records read entries through {@link ForeignEntries}: an entry that is not
 * Canopy's reads as absent instead of failing the whole call.
 */
public final class Processors {

    /** At most this many task failures are kept in a job record; the count goes on. */
    static final int MAX_RECORDED_FAILURES = 100;

    private Processors() {
    }

    /** ASSIGNED -> RUNNING for the current attempt. */
    public record MarkRunning(AttemptId attempt, UUID assignee) implements EntryProcessor<SubJobKey, SubJobRecord, Void> {
        @Override
        public Void process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (isCurrent(r, attempt, assignee) && r.state() == SubJobState.ASSIGNED) {
                entry.setValue(r.withState(SubJobState.RUNNING, System.currentTimeMillis()));
            }
            return null;
        }
    }

    /**
     * Its member is leaving while the leaf runs {@code task}: the leaf stays RUNNING (so the driver
     * that re-delegates it counts another attempt of its tasks) and names the task for the failure
     * that ends the job if the attempts run out.
     */
    public record LeftRunning(AttemptId attempt, UUID assignee, String task)
            implements EntryProcessor<SubJobKey, SubJobRecord, Void> {
        @Override
        public Void process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (isCurrent(r, attempt, assignee) && r.state() != SubJobState.DONE) {
                entry.setValue(r.toBuilder().state(SubJobState.RUNNING).leftRunning(task)
                        .updatedMillis(System.currentTimeMillis()).build());
            }
            return null;
        }
    }

    /**
     * Commits an outcome. Returns the member to report to (the record's, which an adopting driver
     * may have changed), or null when the attempt is stale: not the whole record, which on a job's
     * busy partition was most of each commit's cost.
     */
    public record Commit(AttemptId attempt, UUID assignee, long done, List<Piece> outcome, String seal)
            implements EntryProcessor<SubJobKey, SubJobRecord, UUID> {
        /** An unsealed commit: a grid without a cluster key. */
        public Commit(AttemptId attempt, UUID assignee, long done, List<Piece> outcome) {
            this(attempt, assignee, done, outcome, null);
        }

        @Override
        public UUID process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (!isCurrent(r, attempt, assignee) || r.state() == SubJobState.DONE) {
                return null;
            }
            entry.setValue(r.committed(done, outcome, seal, System.currentTimeMillis()));
            return r.reportTo();
        }
    }

    /** A new parent driver takes a child over; returns the child as it is now. */
    public record Adopt(UUID reportTo) implements EntryProcessor<SubJobKey, SubJobRecord, SubJobRecord> {
        @Override
        public SubJobRecord process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (r == null) {
                return null;
            }
            SubJobRecord adopted = r.withReportTo(reportTo, System.currentTimeMillis());
            entry.setValue(adopted);
            return adopted;
        }
    }

    /**
     * Moves a child to another member with the next attempt, unless it moved or finished meanwhile.
     * Returns the record as it is now.
     */
    public record Reassign(AttemptId expected, UUID assignee, UUID reportTo)
            implements EntryProcessor<SubJobKey, SubJobRecord, SubJobRecord> {
        @Override
        public SubJobRecord process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (r == null || !r.attemptId().equals(expected) || r.state() == SubJobState.DONE) {
                return r;
            }
            return move(entry, r.reassigned(assignee, reportTo, true, System.currentTimeMillis()));
        }
    }

    /** Moves a queued leaf from {@code victim} to {@code thief}, only while it has not started; null when it could not. */
    public record Steal(AttemptId expected, UUID victim, UUID thief)
            implements EntryProcessor<SubJobKey, SubJobRecord, SubJobRecord> {
        @Override
        public SubJobRecord process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (!isCurrent(r, expected, victim) || r.state() != SubJobState.ASSIGNED) {
                return null;
            }
            return move(entry, r.reassigned(thief, r.reportTo(), false, System.currentTimeMillis()));
        }
    }

    private static boolean isCurrent(SubJobRecord r, AttemptId attempt, UUID assignee) {
        return r != null && r.attemptId().equals(attempt) && r.assignee().equals(assignee);
    }

    private static SubJobRecord move(Map.Entry<SubJobKey, SubJobRecord> entry, SubJobRecord moved) {
        entry.setValue(moved);
        return moved;
    }

    /**
     * Once the job's result is written: marks the root DONE (the result holds its outcome), drops
     * every committed partial (the result replaced them; a large one would otherwise stay pinned in
     * memory for the result's time to live), lets every record of the tree expire with the result,
     * and returns it for the final progress.
     */
    public record EndTree(long ttlMillis) implements EntryProcessor<SubJobKey, SubJobRecord, SubJobRecord> {
        @Override
        public SubJobRecord process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = ForeignEntries.valueOf(entry, SubJobRecord.class, GridMaps.SUBJOBS);
            if (r == null) {
                return null;
            }
            if (r.isRoot() && r.state() != SubJobState.DONE) {
                r = r.withState(SubJobState.DONE, System.currentTimeMillis());
            }
            if (r.outcome() != null) {
                r = r.toBuilder().outcome(null).build();
            }
            ((ExtendedMapEntry<SubJobKey, SubJobRecord>) entry).setValue(r, ttlMillis, TimeUnit.MILLISECONDS);
            return r;
        }
    }

    /** Records how many children a driver created. */
    public record SetChildren(AttemptId attempt, int children) implements EntryProcessor<SubJobKey, SubJobRecord, Void> {
        @Override
        public Void process(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobRecord r = entry.getValue();
            if (r != null && r.attemptId().equals(attempt) && r.state() != SubJobState.DONE) {
                entry.setValue(r.toBuilder().children(children).state(SubJobState.RUNNING)
                        .updatedMillis(System.currentTimeMillis()).build());
            }
            return null;
        }
    }

    /** Reads a job record without its spec's bytes, on the owner, with no backup (read-only). */
    public record Peek() implements EntryProcessor<String, JobRecord, JobRecord>, ReadOnly {
        @Override
        public JobRecord process(Map.Entry<String, JobRecord> entry) {
            JobRecord r = ForeignEntries.valueOf(entry, JobRecord.class, GridMaps.JOBS);
            return r == null ? null : r.withoutSpec();
        }

        @Override
        public EntryProcessor<String, JobRecord, JobRecord> getBackupProcessor() {
            return null;
        }
    }

    /**
     * Job records for listings: without their specs' bytes, cut where they are stored; null for an
     * entry that is not a job record, which the reader drops.
     */
    public record WithoutSpec() implements Projection<Map.Entry<String, JobRecord>, JobRecord> {
        @Override
        public JobRecord transform(Map.Entry<String, JobRecord> entry) {
            JobRecord r = ForeignEntries.valueOf(entry, JobRecord.class, GridMaps.JOBS);
            return r == null ? null : r.withoutSpec();
        }
    }

    /** The sub-job records of one job, by key only (a job's partition may hold keys that are not Canopy's). */
    public record OfJob(String jobId) implements Predicate<SubJobKey, SubJobRecord> {
        @Override
        public boolean apply(Map.Entry<SubJobKey, SubJobRecord> entry) {
            SubJobKey key = ForeignEntries.keyOf(entry, SubJobKey.class, GridMaps.SUBJOBS);
            return key != null && key.jobId().equals(jobId);
        }
    }

    /** Sub-job records as they are, for tools that show a tree; null for an entry that is not one, which the reader drops. */
    public record Readable() implements Projection<Map.Entry<SubJobKey, SubJobRecord>, SubJobRecord> {
        @Override
        public SubJobRecord transform(Map.Entry<SubJobKey, SubJobRecord> entry) {
            return ForeignEntries.valueOf(entry, SubJobRecord.class, GridMaps.SUBJOBS);
        }
    }

    /**
     * The state of a job's result, read where it is stored: listings need no more than that, and a
     * result may be large. Null when there is no result (or the entry is not one).
     */
    public record OutcomeState() implements EntryProcessor<String, JobOutcome, JobState>, ReadOnly {
        @Override
        public JobState process(Map.Entry<String, JobOutcome> entry) {
            JobOutcome outcome = ForeignEntries.valueOf(entry, JobOutcome.class, GridMaps.RESULTS);
            return outcome == null ? null : outcome.state();
        }

        @Override
        public EntryProcessor<String, JobOutcome, JobState> getBackupProcessor() {
            return null;
        }
    }

    /**
     * Takes the top-driver role: when the job is not over and has no driver yet, or its driver is
     * {@code replacing} (a member that left). Returns the record when this call took the role, else null.
     */
    public record TakeJob(UUID driver, UUID replacing, long total) implements EntryProcessor<String, JobRecord, JobRecord> {
        @Override
        public JobRecord process(Map.Entry<String, JobRecord> entry) {
            JobRecord r = ForeignEntries.valueOf(entry, JobRecord.class, GridMaps.JOBS);
            if (r == null || r.state().isTerminal()) {
                return null;
            }
            if (r.topDriver() == null || r.topDriver().equals(replacing)) {
                JobRecord taken = r.started(driver, r.total() >= 0 ? r.total() : total, System.currentTimeMillis());
                entry.setValue(taken);
                return taken;
            }
            return null;
        }
    }

    /** Adds failed-for-good tasks; returns how many failed for good in all, which the caller compares to the tolerance. */
    public record AddFailures(List<TaskFailure> added, int addedCount) implements EntryProcessor<String, JobRecord, Integer> {
        @Override
        public Integer process(Map.Entry<String, JobRecord> entry) {
            JobRecord r = ForeignEntries.valueOf(entry, JobRecord.class, GridMaps.JOBS);
            if (r == null) {
                return addedCount;
            }
            List<TaskFailure> all = new ArrayList<>(r.failures());
            for (TaskFailure f : added) {
                if (all.size() < MAX_RECORDED_FAILURES) {
                    all.add(f);
                }
            }
            long count = r.failureCount() + addedCount;
            entry.setValue(r.withFailures(List.copyOf(all), count));
            return (int) Math.min(Integer.MAX_VALUE, count);
        }
    }

    /**
     * Ends a job record: its final progress from its own counts and the tree's sums (null when the
     * tree had no record), the results' time-to-live, no spec. Returns the ended record when
     * {@code returnRecord} (the caller logs it), else null, as it does when the job had ended already.
     */
    public record Finish(JobState state, List<TaskFailure> failures, ProgressAggregator.Sums tree, long ttlMillis,
                  boolean returnRecord) implements EntryProcessor<String, JobRecord, JobRecord> {
        @Override
        public JobRecord process(Map.Entry<String, JobRecord> entry) {
            JobRecord r = ForeignEntries.valueOf(entry, JobRecord.class, GridMaps.JOBS);
            if (r == null || r.state().isTerminal()) {
                return null;
            }
            JobProgress progress = Progress.finalProgress(r, tree, state == JobState.COMPLETED);
            JobRecord done = r.finished(state, failures == null ? r.failures() : failures, progress,
                    System.currentTimeMillis());
            ((ExtendedMapEntry<String, JobRecord>) entry).setValue(done, ttlMillis, TimeUnit.MILLISECONDS);
            return returnRecord ? done : null;
        }
    }
}
