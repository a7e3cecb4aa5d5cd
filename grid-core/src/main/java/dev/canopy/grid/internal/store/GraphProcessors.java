package dev.canopy.grid.internal.store;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.projection.Projection;
import dev.canopy.grid.JobState;
import dev.canopy.grid.StageState;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The atomic updates of graph records ({@code canopy.graphs}), as {@link Processors} are for jobs:
 * each checks the state the caller expects, so a driver that lost its role, or a second driver,
 * changes nothing. The fence that makes a stage's job be created once is {@link ReserveStage}: only
 * the graph's current driver can move a stage from WAITING to STARTING, with the job id it will use.
 */
public final class GraphProcessors {

    private GraphProcessors() {
    }

    /**
     * Takes the driver's role of a graph not over whose driver is {@code replacing} (a member gone)
     * or none. Returns the record when this call took the role, else null.
     */
    public record TakeGraph(UUID driver, UUID replacing) implements EntryProcessor<String, GraphRecord, GraphRecord> {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            if (r == null || r.state().isTerminal()) {
                return null;
            }
            if (r.driver() == null || r.driver().equals(replacing)) {
                GraphRecord taken = r.withDriver(driver);
                entry.setValue(taken);
                return taken;
            }
            return null;
        }
    }

    /**
     * WAITING -> STARTING with {@code jobId}, for the graph's driver only, while the graph runs.
     * Returns the record when the stage is reserved, else null: then another driver has the role,
     * or the graph ended, and this caller must not create the job.
     */
    public record ReserveStage(UUID driver, String stage, String jobId, String jobSeal)
            implements EntryProcessor<String, GraphRecord, GraphRecord> {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            StageRecord s = r == null ? null : r.stage(stage);
            if (s == null || r.state() != JobState.RUNNING || !driver.equals(r.driver())
                    || s.state() != StageState.WAITING) {
                return null;
            }
            GraphRecord reserved = r.withStage(stage, x -> x.reserved(jobId, jobSeal));
            entry.setValue(reserved);
            return reserved;
        }
    }

    /** STARTING -> RUNNING once the stage's job {@code jobId} exists; counts the creation. Returns the record, or null when nothing changed. */
    public record StageCreated(String stage, String jobId) implements EntryProcessor<String, GraphRecord, GraphRecord> {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            StageRecord s = r == null ? null : r.stage(stage);
            if (s == null || s.state() != StageState.STARTING || !jobId.equals(s.jobId())) {
                return null;
            }
            GraphRecord created = r.withStage(stage, StageRecord::created);
            entry.setValue(created);
            return created;
        }
    }

    /**
     * Ends a stage not ended yet, with why and the failure for a stage that did not complete. Returns
     * the record, or null when nothing changed (the stage or the graph had ended).
     */
    public record StageEnded(String stage, StageState end, String why, Throwable cause)
            implements EntryProcessor<String, GraphRecord, GraphRecord> {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            StageRecord s = r == null ? null : r.stage(stage);
            if (s == null || s.state().isTerminal() || r.state().isTerminal()) {
                return null;
            }
            GraphRecord changed = r.withStage(stage, x -> x.ended(end, why, cause));
            entry.setValue(changed);
            return changed;
        }
    }

    /**
     * Ends a graph not ended yet: its state, its open stages ended as {@code openStages}, no spec,
     * and the results' time-to-live. Returns the record as it was before, so a canceller learns the
     * stage jobs to cancel; null when the graph had ended already.
     */
    public record EndGraph(JobState end, StageState openStages, String why, long ttlMillis)
            implements EntryProcessor<String, GraphRecord, GraphRecord> {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            if (r == null || r.state().isTerminal()) {
                return null;
            }
            GraphRecord done = r.ended(end, openStages, why, System.currentTimeMillis());
            if (ttlMillis > 0) {
                ((ExtendedMapEntry<String, GraphRecord>) entry).setValue(done, ttlMillis, TimeUnit.MILLISECONDS);
            } else {
                entry.setValue(done);
            }
            return r.withoutSpec();
        }
    }

    /** Reads a graph's record without its spec. */
    public record Peek() implements EntryProcessor<String, GraphRecord, GraphRecord>, ReadOnly {
        @Override
        public GraphRecord process(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            return r == null ? null : r.withoutSpec();
        }

        @Override
        public EntryProcessor<String, GraphRecord, GraphRecord> getBackupProcessor() {
            return null;
        }
    }

    /** Graph records without their specs, for listings; null for an entry that is not one. */
    public record WithoutSpec() implements Projection<Map.Entry<String, GraphRecord>, GraphRecord> {
        @Override
        public GraphRecord transform(Map.Entry<String, GraphRecord> entry) {
            GraphRecord r = ForeignEntries.valueOf(entry, GraphRecord.class, GridMaps.GRAPHS);
            return r == null ? null : r.withoutSpec();
        }
    }
}
