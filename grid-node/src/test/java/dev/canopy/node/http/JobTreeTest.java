package dev.canopy.node.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ordering of sub-job paths in the API's tree. */
class JobTreeTest {

    @Test
    void whenPathsAreSorted_thenNumbersCompareByValueAndRetriesComeAfterChildren() {
        // given
        List<String> paths = new ArrayList<>(List.of("0.10", "0.r1-0", "0.2", "0", "0.2.1", "0.1", "0.r1-1", "0.2.0"));

        // when
        paths.sort(JobTree::comparePaths);

        // then
        assertEquals(List.of("0", "0.1", "0.2", "0.2.0", "0.2.1", "0.10", "0.r1-0", "0.r1-1"), paths);
    }
}
