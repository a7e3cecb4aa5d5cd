package dev.canopy.grid;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One line of {@link Grid#graphs()}: a job graph, the member that drives it (null once it ended),
 * and its stages in the order they were added.
 */
public record GraphInfo(GraphId id, String name, JobState state, Instant submitted, UUID driver,
                        List<StageInfo> stages) implements Serializable {
}
