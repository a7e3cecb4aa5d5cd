package dev.canopy.grid.internal.spec;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/** The tasks of one sub-job: an index range, a list of keys, or a set of partitions of a map. */
public sealed interface Slice extends Serializable {

    /** Tasks in the slice (an estimate for a partition slice). */
    long size();

    /** Tasks {@code [from, to)}: indices of a range job, or positions in an explicit task list. */
    record IndexSlice(long from, long to) implements Slice {
        /** The slice of the one task at {@code index}. */
        public static IndexSlice single(long index) {
            return new IndexSlice(index, index + 1);
        }

        @Override
        public long size() {
            return to - from;
        }
    }

    /** One task per key, in this order. */
    record KeySlice(List<Object> keys) implements Slice {
        @Override
        public long size() {
            return keys.size();
        }
    }

    /** Every entry of these partitions of the job's map; {@code estimate} entries expected. */
    record PartitionSlice(int[] partitions, long estimate) implements Slice {
        @Override
        public long size() {
            return estimate;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PartitionSlice p && p.estimate == estimate && Arrays.equals(p.partitions, partitions);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(partitions);
        }

        @Override
        public String toString() {
            return "PartitionSlice[" + partitions.length + " partitions, ~" + estimate + " entries]";
        }
    }
}
