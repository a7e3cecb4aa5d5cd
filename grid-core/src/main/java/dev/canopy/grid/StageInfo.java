package dev.canopy.grid;

import java.io.Serializable;
import java.util.List;

/**
 * One stage of a {@link GraphInfo}. {@code job} is null until the stage's job is created;
 * {@code error} says why a stage failed or did not run, else null.
 */
public record StageInfo(String name, List<String> after, StageState state, JobId job, String error)
        implements Serializable {
}
