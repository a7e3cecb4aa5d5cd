package dev.canopy.grid;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One line of {@link Grid#jobs()}. {@code topDriver} is null until a member has taken the job. */
public record JobInfo(JobId id, String name, JobState state, JobProgress progress, Instant submitted, UUID topDriver)
        implements Serializable {
}
