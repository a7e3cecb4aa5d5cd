package dev.canopy.examples;

import dev.canopy.examples.Example.Result;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SortExampleTest extends GridTestSupport {

    @Test
    void whenOneMillionLongsAreSorted_thenOutputIsSortedWithRightCountAndSum() throws Exception {
        // given
        List<GridNode> nodes = startCluster(3);
        Output out = new Output();

        // when
        Result result = new SortExample().run(nodes.get(0), List.of("--count", "1000000"), out.stream());

        // then
        assertTrue(result.ok(), result.summary() + "\n" + out.text());
        assertEquals("1,000,000 values, in order, sum equal to and xor equal to the input's (1,000,000 expected)",
                result.summary());
    }

    @Test
    void whenBlocksAreUneven_thenResultIsExactlyTheSortedInput() {
        // given: 250,003 values in blocks of 10,000, the last one short
        List<GridNode> nodes = startCluster(2);
        long count = 250_003;
        int blockSize = 10_000;
        long[] expected = new long[(int) count];
        int at = 0;
        for (long b = 0; b < SortExample.blocks(count, blockSize); b++) {
            long[] block = SortExample.block(b, count, blockSize);
            System.arraycopy(block, 0, expected, at, block.length);
            at += block.length;
        }
        Arrays.sort(expected);

        // when
        long[] sorted = await(nodes.get(1).submit(SortExample.job(count, blockSize)).result());

        // then
        assertEquals(count, at);
        assertArrayEquals(expected, sorted);
    }

    @Test
    void whenRunsAreMerged_thenMergeKeepsOrderAndDuplicates() {
        assertArrayEquals(new long[] {-5, 1, 1, 2, 3, 3, 9}, SortExample.merge(new long[] {1, 3, 9},
                new long[] {-5, 1, 2, 3}));
        assertArrayEquals(new long[] {4}, SortExample.merge(new long[0], new long[] {4}));
        assertArrayEquals(new long[] {4}, SortExample.merge(new long[] {4}, new long[0]));
    }
}
