package dev.canopy.grid;

import java.io.Serializable;

/**
 * Builds a stage's job from the results of the stages it comes after (see
 * {@link JobGraph.Builder#stage(String, StageFactory, String...)}). It runs on the graph's driver,
 * a member of the grid, so it travels with the graph as a task does with its job: it must be
 * serializable, and its classes ship with the graph. It runs once per stage, or again when the
 * graph's driver was lost before the stage's job was created.
 */
@FunctionalInterface
public interface StageFactory extends Serializable {

    /**
     * The stage's job. An exception, or a null job, fails the stage (with the exception as cause)
     * and the stages after it.
     */
    Job<?, ?> create(StageInputs in) throws Exception;
}
