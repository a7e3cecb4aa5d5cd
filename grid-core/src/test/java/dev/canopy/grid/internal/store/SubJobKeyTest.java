package dev.canopy.grid.internal.store;

import dev.canopy.grid.internal.spec.Slice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Sub-job keys: a job's whole tree shares its job id's partition, and a path's dots count its level. */
class SubJobKeyTest {

    @Test
    void whenPathGrows_thenDepthCountsLevelsFromRoot() {
        assertEquals(1, SubJobKey.depth(SubJobKey.ROOT));
        assertEquals(2, SubJobKey.depth("0.3"));
        assertEquals(3, SubJobKey.depth("0.3.12"));
        assertEquals(4, SubJobKey.depth("0.3.12.r1"));
    }

    @Test
    void whenKeysBelongToOneJob_thenTheyShareThePartitionKey() {
        // given
        SubJobKey root = new SubJobKey("job-1", SubJobKey.ROOT);
        SubJobKey leaf = new SubJobKey("job-1", "0.1.0");

        // then
        assertEquals("job-1", root.getPartitionKey());
        assertEquals(root.getPartitionKey(), leaf.getPartitionKey());
        assertNotEquals(root, leaf);
        assertEquals(new SubJobKey("job-1", "0.1.0"), leaf);
    }

    @Test
    void whenIndexSliceIsMade_thenSizeIsItsLength() {
        assertEquals(1_000, new Slice.IndexSlice(4_000, 5_000).size());
        assertEquals(0, new Slice.IndexSlice(7, 7).size());
    }
}
