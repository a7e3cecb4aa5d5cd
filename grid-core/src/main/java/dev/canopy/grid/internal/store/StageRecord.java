package dev.canopy.grid.internal.store;

import dev.canopy.grid.StageState;
import dev.canopy.grid.internal.trust.ClusterKey;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One stage in a {@link GraphRecord}. The job id is reserved (STARTING) before the stage's job is
 * created, so a driver that takes the graph over finds it and never creates a second job.
 *
 * @param jobId     the stage's job, once reserved; null while WAITING
 * @param jobSeal   with a cluster key, the driver's seal of the pair (stage, job id): whoever can write
 *                  the map could otherwise point a stage at another job and hand its result to the graph
 * @param error     why the stage failed or did not run, else null
 * @param cause     the failure itself, made portable (every member can read it), else null
 * @param creations how often a driver recorded the stage's job as created: one, unless the fence failed
 */
public record StageRecord(String name, List<String> after, StageState state, String jobId, String jobSeal,
                          String error, Throwable cause, int creations) implements Serializable {

    public StageRecord {
        after = List.copyOf(after);
    }

    static StageRecord waiting(String name, List<String> after) {
        return new StageRecord(name, after, StageState.WAITING, null, null, null, null, 0);
    }

    StageRecord reserved(String newJobId, String seal) {
        return new StageRecord(name, after, StageState.STARTING, newJobId, seal, null, null, creations);
    }

    StageRecord created() {
        return new StageRecord(name, after, StageState.RUNNING, jobId, jobSeal, null, null, creations + 1);
    }

    StageRecord ended(StageState end, String why, Throwable failure) {
        return new StageRecord(name, after, end, jobId, jobSeal, why, failure, creations);
    }

    /** The seal a driver with {@code key} puts on stage {@code stage}'s job id in graph {@code graphId}; null without a key. */
    public static String sealJob(ClusterKey key, String graphId, String stage, String jobId) {
        return key.isSet() ? Seals.text(key.sign(ClusterKey.Use.COMMIT, graphId, jobBinding(stage, jobId))) : null;
    }

    /** Whether this stage's job id was set by a holder of {@code key}; always true without a key. */
    public boolean jobVerifies(ClusterKey key, String graphId) {
        return !key.isSet() || key.verifies(Seals.bytes(jobSeal), ClusterKey.Use.COMMIT, graphId,
                jobBinding(name, jobId));
    }

    private static byte[][] jobBinding(String stage, String jobId) {
        return new byte[][] {stage.getBytes(StandardCharsets.UTF_8), String.valueOf(jobId).getBytes(StandardCharsets.UTF_8)};
    }
}
