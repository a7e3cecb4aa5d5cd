package dev.canopy.grid;

/**
 * A stage of a job graph: {@code WAITING -> STARTING -> RUNNING -> (COMPLETED | FAILED | CANCELLED)}.
 * STARTING is the moment between the stage's job id being reserved in the graph's record and its
 * job being created; a stage that never ran because a stage before it failed goes from WAITING to
 * FAILED.
 */
public enum StageState {
    WAITING, STARTING, RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
