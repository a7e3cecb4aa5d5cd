package dev.canopy.grid.internal.placement;

import dev.canopy.grid.internal.spec.Slice;

import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.spec.Slice.KeySlice;
import dev.canopy.grid.internal.spec.Slice.PartitionSlice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Placement: how a driver splits its slice into at most {@code fanOut} children, and where each
 * child goes. Pure: everything it needs about the cluster comes in through the constructor, so it
 * is tested without one.
 *
 * <p>A driver's {@code group} is the members its sub-tree may use, itself first. A group of many
 * members splits into contiguous sub-groups; each child gets one sub-group and is driven by its
 * first member. Index slices are cut in proportion to the sub-groups' worker threads; keys and
 * partitions go to the sub-group holding their partition's owner, so work runs where its data is.
 * A group of one member (the driver itself) splits by size into local children, down to leaves of
 * at most {@code leafSize} tasks.
 */
public final class Splitter {

    /** One child to create. */
    public record Child(Slice slice, List<UUID> group, boolean leaf) {
        public UUID assignee() {
            return group.get(0);
        }
    }

    private final int fanOut;
    private final int leafSize;
    private final ToIntFunction<UUID> workerThreads;
    private final IntFunction<UUID> partitionOwner;
    private final ToIntFunction<Object> partitionOfKey;

    Splitter(int fanOut, int leafSize, ToIntFunction<UUID> workerThreads, IntFunction<UUID> partitionOwner,
             ToIntFunction<Object> partitionOfKey) {
        this.fanOut = fanOut;
        this.leafSize = leafSize;
        this.workerThreads = workerThreads;
        this.partitionOwner = partitionOwner;
        this.partitionOfKey = partitionOfKey;
    }

    /** True when {@code slice} runs as one leaf rather than being split further. */
    boolean isLeaf(Slice slice) {
        if (slice instanceof PartitionSlice p && p.partitions().length <= 1) {
            return true;
        }
        return slice.size() <= leafSize;
    }

    public List<Child> split(Slice slice, List<UUID> group) {
        if (group.size() > 1) {
            return splitAcross(slice, group);
        }
        return splitLocally(slice, group);
    }

    private List<Child> splitAcross(Slice slice, List<UUID> group) {
        long chunks = Math.max(1, ceilDiv(slice.size(), leafSize));
        int k = (int) Math.min(Math.min(fanOut, group.size()), slice instanceof IndexSlice ? chunks : group.size());
        List<List<UUID>> subgroups = cut(group, k);
        List<Slice> slices;
        if (slice instanceof IndexSlice s) {
            slices = byCapacity(s, subgroups);
        } else if (slice instanceof KeySlice s) {
            slices = byKeyOwner(s, subgroups);
        } else {
            slices = byPartitionOwner((PartitionSlice) slice, subgroups);
        }
        List<Child> children = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            Slice child = slices.get(i);
            if (child.size() > 0 || child instanceof PartitionSlice p && p.partitions().length > 0) {
                children.add(new Child(child, subgroups.get(i), isLeaf(child)));
            }
        }
        return children;
    }

    private List<Child> splitLocally(Slice slice, List<UUID> group) {
        long chunks = Math.max(1, ceilDiv(slice.size(), leafSize));
        int k = (int) Math.min(fanOut, chunks);
        List<Slice> slices;
        if (slice instanceof IndexSlice s) {
            slices = evenly(s, k);
        } else if (slice instanceof KeySlice s) {
            slices = evenly(s, k);
        } else {
            PartitionSlice s = (PartitionSlice) slice;
            slices = evenly(s, Math.min(k, s.partitions().length));
        }
        List<Child> children = new ArrayList<>(slices.size());
        for (Slice child : slices) {
            children.add(new Child(child, group, isLeaf(child)));
        }
        return children;
    }

    private List<Slice> byCapacity(IndexSlice s, List<List<UUID>> subgroups) {
        long[] weights = new long[subgroups.size()];
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            for (UUID member : subgroups.get(i)) {
                weights[i] += Math.max(1, workerThreads.applyAsInt(member));
            }
            total += weights[i];
        }
        List<Slice> slices = new ArrayList<>(weights.length);
        long size = s.size();
        long cumulative = 0;
        long start = s.from();
        for (long weight : weights) {
            cumulative += weight;
            long end = s.from() + multiplyDivide(size, cumulative, total);
            slices.add(new IndexSlice(start, end));
            start = end;
        }
        return slices;
    }

    private List<Slice> byKeyOwner(KeySlice s, List<List<UUID>> subgroups) {
        Map<UUID, Integer> subgroupOf = subgroupIndex(subgroups);
        List<List<Object>> keys = new ArrayList<>();
        for (int i = 0; i < subgroups.size(); i++) {
            keys.add(new ArrayList<>());
        }
        for (Object key : s.keys()) {
            int partition = partitionOfKey.applyAsInt(key);
            keys.get(subgroupFor(partition, subgroupOf, subgroups.size())).add(key);
        }
        List<Slice> slices = new ArrayList<>(keys.size());
        for (List<Object> part : keys) {
            slices.add(new KeySlice(part));
        }
        return slices;
    }

    private List<Slice> byPartitionOwner(PartitionSlice s, List<List<UUID>> subgroups) {
        Map<UUID, Integer> subgroupOf = subgroupIndex(subgroups);
        List<List<Integer>> parts = new ArrayList<>();
        for (int i = 0; i < subgroups.size(); i++) {
            parts.add(new ArrayList<>());
        }
        for (int partition : s.partitions()) {
            parts.get(subgroupFor(partition, subgroupOf, subgroups.size())).add(partition);
        }
        List<Slice> slices = new ArrayList<>(parts.size());
        int count = Math.max(1, s.partitions().length);
        for (List<Integer> part : parts) {
            int[] ids = part.stream().mapToInt(Integer::intValue).toArray();
            slices.add(new PartitionSlice(ids, multiplyDivide(s.estimate(), ids.length, count)));
        }
        return slices;
    }

    private int subgroupFor(int partition, Map<UUID, Integer> subgroupOf, int k) {
        UUID owner = partitionOwner.apply(partition);
        Integer index = owner == null ? null : subgroupOf.get(owner);
        return index != null ? index : partition % k;
    }

    private static Map<UUID, Integer> subgroupIndex(List<List<UUID>> subgroups) {
        Map<UUID, Integer> index = new HashMap<>();
        for (int i = 0; i < subgroups.size(); i++) {
            for (UUID member : subgroups.get(i)) {
                index.put(member, i);
            }
        }
        return index;
    }

    private static List<Slice> evenly(IndexSlice s, int k) {
        List<Slice> slices = new ArrayList<>(k);
        long start = s.from();
        for (int i = 1; i <= k; i++) {
            long end = s.from() + multiplyDivide(s.size(), i, k);
            slices.add(new IndexSlice(start, end));
            start = end;
        }
        return slices;
    }

    private static List<Slice> evenly(KeySlice s, int k) {
        List<Slice> slices = new ArrayList<>(k);
        int n = s.keys().size();
        int start = 0;
        for (int i = 1; i <= k; i++) {
            int end = (int) multiplyDivide(n, i, k);
            slices.add(new KeySlice(new ArrayList<>(s.keys().subList(start, end))));
            start = end;
        }
        return slices;
    }

    private static List<Slice> evenly(PartitionSlice s, int k) {
        List<Slice> slices = new ArrayList<>(k);
        int n = s.partitions().length;
        int start = 0;
        for (int i = 1; i <= k; i++) {
            int end = (int) multiplyDivide(n, i, k);
            int[] ids = Arrays.copyOfRange(s.partitions(), start, end);
            slices.add(new PartitionSlice(ids, multiplyDivide(s.estimate(), ids.length, Math.max(1, n))));
            start = end;
        }
        return slices;
    }

    /** Cuts {@code group} into {@code k} contiguous sub-groups of near-equal size. */
    static List<List<UUID>> cut(List<UUID> group, int k) {
        List<List<UUID>> subgroups = new ArrayList<>(k);
        int start = 0;
        for (int i = 1; i <= k; i++) {
            int end = (int) multiplyDivide(group.size(), i, k);
            subgroups.add(List.copyOf(group.subList(start, end)));
            start = end;
        }
        return subgroups;
    }

    /** Adaptive leaf size: about four leaves per worker thread, so idle cores at the tail are few. */
    public static int adaptiveLeafSize(long total, int workerThreadsInGrid) {
        long perLeaf = ceilDiv(total, 4L * Math.max(1, workerThreadsInGrid));
        return (int) Math.max(1, Math.min(1 << 20, perLeaf));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** {@code a * b / c} without overflow for the sizes used here. */
    private static long multiplyDivide(long a, long b, long c) {
        return Math.multiplyHigh(a, b) == 0 && a * b >= 0 ? a * b / c
                : java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
                        .divide(java.math.BigInteger.valueOf(c)).longValue();
    }
}
