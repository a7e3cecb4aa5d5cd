package dev.canopy.grid.recovery;

import java.io.Serializable;
import java.util.BitSet;
import java.util.Map;
import java.util.UUID;

/**
 * The partial result of {@link ExactlyOnce}: a sum, a count, the indices counted (one bit each) and,
 * per member, how many of the counted tasks ran there.
 *
 * <p>{@link ExactlyOnce#accumulate} mutates {@code seen} and {@code perMember} of the tally it is given
 * (the reducer contract allows it); {@link ExactlyOnce#combine} never mutates its arguments.
 */
public record Tally(long sum, long count, BitSet seen, Map<UUID, Long> perMember) implements Serializable {

    /** Counted tasks that ran on {@code member}. */
    public long ranOn(UUID member) {
        return perMember.getOrDefault(member, 0L);
    }
}
