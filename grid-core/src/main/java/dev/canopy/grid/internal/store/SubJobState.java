package dev.canopy.grid.internal.store;

/** {@code ASSIGNED -> RUNNING -> DONE}; a re-assignment bumps the attempt and returns to ASSIGNED. */
public enum SubJobState {
    ASSIGNED, RUNNING, DONE
}
