package dev.canopy.grid.internal.store;

import dev.canopy.grid.JobState;
import dev.canopy.grid.StageState;
import dev.canopy.grid.internal.spec.GraphSpec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A job graph's entry in {@code canopy.graphs}: its stages' states and jobs, and the member that
 * drives it. The owner of the record's partition takes the driver's role over when that member
 * is gone, as for a job's top driver.
 *
 * @param spec the graph's spec as submitted (signed, with its code set) while it runs; null once it ended
 */
public record GraphRecord(String id, String name, JobState state, UUID submitter, UUID driver,
                          long submittedMillis, long timeoutMillis, long endedMillis, List<StageRecord> stages,
                          byte[] spec) implements Serializable {

    public GraphRecord {
        stages = List.copyOf(stages);
    }

    /** A new graph, RUNNING and driven by {@code driver}, every stage WAITING. */
    public static GraphRecord submitted(String id, GraphSpec graph, UUID submitter, long now) {
        List<StageRecord> stages = new ArrayList<>();
        for (GraphSpec.Stage s : graph.stages()) {
            stages.add(StageRecord.waiting(s.name(), s.after()));
        }
        return new GraphRecord(id, graph.name(), JobState.SUBMITTED, submitter, null, now, graph.timeoutMillis(), 0,
                stages, null);
    }

    public GraphRecord started(UUID newDriver, byte[] specBytes) {
        return new GraphRecord(id, name, JobState.RUNNING, submitter, newDriver, submittedMillis, timeoutMillis, 0,
                stages, specBytes);
    }

    public StageRecord stage(String stageName) {
        for (StageRecord s : stages) {
            if (s.name().equals(stageName)) {
                return s;
            }
        }
        return null;
    }

    /** The record as listings show it: everything but the spec's bytes. */
    public GraphRecord withoutSpec() {
        return spec == null ? this : new GraphRecord(id, name, state, submitter, driver, submittedMillis,
                timeoutMillis, endedMillis, stages, null);
    }

    GraphRecord withDriver(UUID newDriver) {
        return new GraphRecord(id, name, state, submitter, newDriver, submittedMillis, timeoutMillis, endedMillis,
                stages, spec);
    }

    GraphRecord withStage(String stageName, UnaryOperator<StageRecord> change) {
        List<StageRecord> changed = new ArrayList<>(stages.size());
        for (StageRecord s : stages) {
            changed.add(s.name().equals(stageName) ? change.apply(s) : s);
        }
        return new GraphRecord(id, name, state, submitter, driver, submittedMillis, timeoutMillis, endedMillis,
                changed, spec);
    }

    /** Ended: no driver, no spec, and every stage still open ended as {@code openStages}. */
    GraphRecord ended(JobState end, StageState openStages, String why, long now) {
        List<StageRecord> changed = new ArrayList<>(stages.size());
        for (StageRecord s : stages) {
            changed.add(s.state().isTerminal() ? s : s.ended(openStages, why, null));
        }
        return new GraphRecord(id, name, end, submitter, null, submittedMillis, timeoutMillis, now, changed, null);
    }
}
