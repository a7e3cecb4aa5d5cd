package dev.canopy.grid.internal.engine;

import com.hazelcast.internal.serialization.SerializationService;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.UserValue;

import java.util.List;

/**
 * The largest serialized partial or result a job may produce on this member
 * ({@code maxResultBytes}). A partial travels in a message and is committed to its record; a result
 * is written to the results map: past a bound, either one fills members' memory and can stall the
 * grid, so the job fails at once instead, saying how large the value was and where it was going.
 *
 * <p>Sizes are measured with the grid's own serialization, once per commit, not per task; values
 * that cannot be large (boxed primitives, short strings) are not measured at all.
 */
final class ResultLimit {

    private final int maxBytes;
    private final SerializationService serialization;

    ResultLimit(int maxBytes, SerializationService serialization) {
        this.maxBytes = maxBytes;
        this.serialization = serialization;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** The serialized size of the first partial in {@code outcome} over the limit, or -1 when none is. */
    long firstOver(List<Piece> outcome) {
        for (Piece piece : outcome) {
            long size = piece instanceof Piece.Partial p ? sizeIfOver(p.value())
                    : piece instanceof Piece.Retried r ? firstOver(r.outcome()) : -1;
            if (size >= 0) {
                return size;
            }
        }
        return -1;
    }

    /** The serialized size of {@code value} when it is over the limit, else -1. */
    long sizeIfOver(Object value) {
        if (cannotBeLarge(value)) {
            return -1;
        }
        long size = serialization.toData(value).totalSize();
        return size > maxBytes ? size : -1;
    }

    private boolean cannotBeLarge(Object value) {
        return UserValue.isScalar(value)
                // at most three bytes a character, and a header
                || value instanceof String s && 3L * s.length() + 16 <= maxBytes;
    }
}
