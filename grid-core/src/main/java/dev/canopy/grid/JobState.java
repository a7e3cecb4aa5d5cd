package dev.canopy.grid;

/** A job's lifecycle: {@code SUBMITTED -> RUNNING -> (COMPLETED | FAILED | CANCELLED)}. */
public enum JobState {
    SUBMITTED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
