package dev.canopy.grid.recovery;

import java.io.Serializable;
import java.util.UUID;

/**
 * What a recovery test's task returns: its index, the value it contributes, and the member it ran on.
 *
 * @param index  the task's index in the job's range
 * @param value  what the task adds to the sum
 * @param member the member that ran this attempt of the task
 */
public record Hit(long index, long value, UUID member) implements Serializable {
}
