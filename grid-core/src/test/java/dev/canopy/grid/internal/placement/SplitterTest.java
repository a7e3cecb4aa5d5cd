package dev.canopy.grid.internal.placement;

import dev.canopy.grid.internal.placement.Splitter.Child;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.spec.Slice.KeySlice;
import dev.canopy.grid.internal.spec.Slice.PartitionSlice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a driver cuts its slice, without a cluster: the members' worker threads, the partitions'
 * owners and the keys' partitions are plain maps.
 */
class SplitterTest {

    private static final UUID A = new UUID(0, 0xA);
    private static final UUID B = new UUID(0, 0xB);
    private static final UUID C = new UUID(0, 0xC);
    private static final UUID D = new UUID(0, 0xD);
    private static final UUID E = new UUID(0, 0xE);
    /** Not in any group the tests split for. */
    private static final UUID OUTSIDER = new UUID(0, 0xF);

    private final Map<UUID, Integer> threads = new HashMap<>(Map.of(A, 4, B, 2, C, 2, D, 1, E, 0));
    private final Map<Integer, UUID> owners = new HashMap<>();
    private final Map<Object, Integer> partitionOfKey = new HashMap<>();

    @Test
    void whenIndexSliceIsSplitAcrossMembers_thenEachGetsAShareInProportionToItsWorkerThreads() {
        // given: A has 4 threads, B and C 2 each
        Splitter splitter = splitter(8, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(100, 900), List.of(A, B, C));

        // then
        assertEquals(List.of(new Child(new IndexSlice(100, 500), List.of(A), false),
                new Child(new IndexSlice(500, 700), List.of(B), false),
                new Child(new IndexSlice(700, 900), List.of(C), false)), children);
    }

    @Test
    void whenMemberReportsNoWorkerThreads_thenItCountsAsOne() {
        // given: A has 4 threads, E reports none
        Splitter splitter = splitter(8, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(0, 500), List.of(A, E));

        // then
        assertEquals(List.of(new Child(new IndexSlice(0, 400), List.of(A), false),
                new Child(new IndexSlice(400, 500), List.of(E), false)), children);
    }

    @Test
    void whenGroupIsLargerThanFanOut_thenContiguousSubgroupsShareBySummedThreads() {
        // given: A + B have 6 threads, C + D 3
        Splitter splitter = splitter(2, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(0, 900), List.of(A, B, C, D));

        // then: each child is driven by its subgroup's first member
        assertEquals(List.of(A, C), children.stream().map(Child::assignee).toList());
        assertEquals(List.of(new Child(new IndexSlice(0, 600), List.of(A, B), false),
                new Child(new IndexSlice(600, 900), List.of(C, D), false)), children);
    }

    @Test
    void whenIndexSliceHasFewerLeavesThanMembers_thenItMakesOneChildPerLeaf() {
        // given: 15 tasks in leaves of 10 make two leaves, for four members
        Splitter splitter = splitter(8, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(0, 15), List.of(A, B, C, D));

        // then
        assertEquals(List.of(new Child(new IndexSlice(0, 10), List.of(A, B), true),
                new Child(new IndexSlice(10, 15), List.of(C, D), true)), children);
    }

    @Test
    void whenKeysAreSplitAcrossMembers_thenEachKeyGoesToItsPartitionOwner() {
        // given: k1 and k3 are A's, k0 and k2 B's; k4's partition has no known owner and k5's owner
        // is outside the group, so they go by partition number (4 % 2 -> A, 5 % 2 -> B)
        Splitter splitter = splitter(8, 3);
        for (int i = 0; i < 6; i++) {
            partitionOfKey.put("k" + i, i);
        }
        owners.putAll(Map.of(0, B, 1, A, 2, B, 3, A, 5, OUTSIDER));

        // when
        List<Child> children = splitter.split(keys("k0", "k1", "k2", "k3", "k4", "k5"), List.of(A, B));

        // then: in their order within each child
        assertEquals(List.of(new Child(keys("k1", "k3", "k4"), List.of(A), true),
                new Child(keys("k0", "k2", "k5"), List.of(B), true)), children);
    }

    @Test
    void whenNoKeyBelongsToAMember_thenThatMemberGetsNoChild() {
        // given: every key is A's
        Splitter splitter = splitter(8, 1);
        for (int i = 0; i < 4; i++) {
            partitionOfKey.put("k" + i, i);
            owners.put(i, A);
        }

        // when
        List<Child> children = splitter.split(keys("k0", "k1", "k2", "k3"), List.of(A, B));

        // then
        assertEquals(List.of(new Child(keys("k0", "k1", "k2", "k3"), List.of(A), false)), children);
    }

    @Test
    void whenPartitionsAreSplitAcrossMembers_thenEachGoesToItsOwnersSubgroupWithItsShareOfTheEstimate() {
        // given: four members in two subgroups; partition 0 is C's, 1 B's, 2 D's, 3 A's, 4 and 5 A's
        Splitter splitter = splitter(2, 10);
        owners.putAll(Map.of(0, C, 1, B, 2, D, 3, A, 4, A, 5, A));

        // when
        List<Child> children = splitter.split(new PartitionSlice(new int[] {0, 1, 2, 3, 4, 5}, 600),
                List.of(A, B, C, D));

        // then
        assertEquals(List.of(new Child(new PartitionSlice(new int[] {1, 3, 4, 5}, 400), List.of(A, B), false),
                new Child(new PartitionSlice(new int[] {0, 2}, 200), List.of(C, D), false)), children);
    }

    @Test
    void whenAMemberOwnsOnePartition_thenItsChildIsALeafWhateverItsEstimate() {
        // given
        Splitter splitter = splitter(8, 10);
        owners.putAll(Map.of(0, A, 1, B, 2, B));

        // when
        List<Child> children = splitter.split(new PartitionSlice(new int[] {0, 1, 2}, 900), List.of(A, B));

        // then
        assertEquals(List.of(new Child(new PartitionSlice(new int[] {0}, 300), List.of(A), true),
                new Child(new PartitionSlice(new int[] {1, 2}, 600), List.of(B), false)), children);
    }

    @Test
    void whenSplitLocallyWithASmallFanOut_thenItMakesFanOutEqualChildren() {
        // given
        Splitter splitter = splitter(4, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(0, 100), List.of(A));

        // then
        assertEquals(List.of(new Child(new IndexSlice(0, 25), List.of(A), false),
                new Child(new IndexSlice(25, 50), List.of(A), false),
                new Child(new IndexSlice(50, 75), List.of(A), false),
                new Child(new IndexSlice(75, 100), List.of(A), false)), children);
    }

    @Test
    void whenSplitLocallyWithALargeFanOut_thenItMakesLeavesOfAtMostLeafSize() {
        // given
        Splitter splitter = splitter(16, 10);

        // when
        List<Child> children = splitter.split(new IndexSlice(0, 95), List.of(A));

        // then: ten leaves, as even as the tasks allow
        List<Child> expected = new ArrayList<>();
        long[] ends = {0, 9, 19, 28, 38, 47, 57, 66, 76, 85, 95};
        for (int i = 0; i < 10; i++) {
            expected.add(new Child(new IndexSlice(ends[i], ends[i + 1]), List.of(A), true));
        }
        assertEquals(expected, children);
    }

    @Test
    void whenKeysAreSplitLocally_thenTheyKeepTheirOrder() {
        // given
        Splitter splitter = splitter(8, 2);

        // when
        List<Child> children = splitter.split(keys("k0", "k1", "k2", "k3", "k4"), List.of(A));

        // then
        assertEquals(List.of(new Child(keys("k0"), List.of(A), true),
                new Child(keys("k1", "k2"), List.of(A), true),
                new Child(keys("k3", "k4"), List.of(A), true)), children);
    }

    @Test
    void whenPartitionsAreSplitLocally_thenNoChildHasFewerThanOnePartition() {
        // given: three partitions, far more entries than one leaf holds
        Splitter splitter = splitter(8, 10);

        // when
        List<Child> children = splitter.split(new PartitionSlice(new int[] {4, 5, 6}, 3000), List.of(A));

        // then
        assertEquals(List.of(new Child(new PartitionSlice(new int[] {4}, 1000), List.of(A), true),
                new Child(new PartitionSlice(new int[] {5}, 1000), List.of(A), true),
                new Child(new PartitionSlice(new int[] {6}, 1000), List.of(A), true)), children);
    }

    @Test
    void whenSplitLocallyOverAndOver_thenLeavesCoverTheSliceInOrderWithAtMostLeafSizeAndFanOutChildren() {
        for (int fanOut : new int[] {2, 3, 16}) {
            for (int leafSize : new int[] {1, 7, 10}) {
                for (long size : new long[] {1, 7, 10, 11, 99, 1_000, 12_345}) {
                    // given
                    Splitter splitter = splitter(fanOut, leafSize);
                    IndexSlice slice = new IndexSlice(1_000, 1_000 + size);
                    String what = "fanOut " + fanOut + ", leafSize " + leafSize + ", size " + size;

                    // when
                    List<IndexSlice> leaves = new ArrayList<>();
                    splitToLeaves(splitter, slice, fanOut, leafSize, leaves, what);

                    // then
                    long next = slice.from();
                    for (IndexSlice leaf : leaves) {
                        assertEquals(next, leaf.from(), () -> what);
                        assertTrue(leaf.size() >= 1 && leaf.size() <= leafSize, () -> what + ": leaf " + leaf);
                        next = leaf.to();
                    }
                    assertEquals(slice.to(), next, what);
                }
            }
        }
    }

    @Test
    void whenJobSizeAndThreadsAreGiven_thenLeafSizeMakesAboutFourLeavesPerThread() {
        assertEquals(25, Splitter.adaptiveLeafSize(1_000, 10));
        assertEquals(26, Splitter.adaptiveLeafSize(1_001, 10));
        assertEquals(1, Splitter.adaptiveLeafSize(10, 8));
        assertEquals(1, Splitter.adaptiveLeafSize(0, 4));
        assertEquals(250, Splitter.adaptiveLeafSize(1_000, 0));
        assertEquals(1 << 20, Splitter.adaptiveLeafSize(1L << 40, 1));
    }

    @Test
    void whenGroupIsCut_thenSubgroupsAreContiguousAndNearEqual() {
        List<UUID> group = List.of(A, B, C, D, E);
        assertEquals(List.of(group), Splitter.cut(group, 1));
        assertEquals(List.of(List.of(A, B), List.of(C, D, E)), Splitter.cut(group, 2));
        assertEquals(List.of(List.of(A), List.of(B, C), List.of(D, E)), Splitter.cut(group, 3));
        assertEquals(List.of(List.of(A), List.of(B), List.of(C), List.of(D), List.of(E)), Splitter.cut(group, 5));
    }

    /** Splits as drivers do, each child on its own, until every child is a leaf. */
    private static void splitToLeaves(Splitter splitter, IndexSlice slice, int fanOut, int leafSize,
                                      List<IndexSlice> leaves, String what) {
        List<Child> children = splitter.split(slice, List.of(A));
        assertTrue(children.size() >= 1 && children.size() <= fanOut, () -> what + ": " + children.size() + " children");
        for (Child child : children) {
            IndexSlice part = (IndexSlice) child.slice();
            assertEquals(part.size() <= leafSize, child.leaf(), () -> what + ": " + child);
            if (child.leaf()) {
                leaves.add(part);
            } else {
                assertFalse(part.equals(slice), () -> what + ": a child no smaller than its parent");
                splitToLeaves(splitter, part, fanOut, leafSize, leaves, what);
            }
        }
    }

    private Splitter splitter(int fanOut, int leafSize) {
        return new Splitter(fanOut, leafSize, member -> threads.getOrDefault(member, 1), owners::get,
                key -> partitionOfKey.get(key));
    }

    private static Slice keys(String... keys) {
        return new KeySlice(List.of((Object[]) keys));
    }
}
