package dev.canopy.grid;

import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Jobs compute exact results: every task counted once, partials combined in task order. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobResultsTest extends GridTestSupport {

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {3, 6})
    void whenMillionTaskRangeJobRuns_thenSumMatchesClosedForm(int members) {
        // given
        List<GridNode> nodes = startCluster(members);
        long n = 1_000_000;
        Job<Long, Long> job = Job.range(0, n, (i, ctx) -> TestTasks.mod1000(i))
                .reduce(Reducers.sumLong())
                .name("mod1000")
                .build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(TestTasks.sumMod1000(n), sum);
        assertEquals(499_500_000L, sum);
        JobProgress progress = handle.progress();
        assertEquals(n, progress.total());
        assertEquals(n, progress.done());
        assertEquals(0, progress.failed());
        assertEquals(JobState.COMPLETED, handle.state());
    }

    @Test
    void whenSingleMemberRunsRangeJob_thenSumIsExact() {
        // given
        GridNode node = startCluster(1).get(0);
        long n = 123_457;
        Job<Long, Long> job = Job.range(0, n, (i, ctx) -> TestTasks.mod1000(i))
                .reduce(Reducers.sumLong())
                .build();

        // when
        JobHandle<Long> handle = node.submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(TestTasks.sumMod1000(n), sum);
        assertEquals(n, handle.progress().done());
    }

    @Test
    void whenRangeStartsAboveZero_thenOnlyItsIndicesAreSummed() {
        // given
        GridNode node = startCluster(2).get(0);
        Job<Long, Long> job = Job.range(1_000, 11_000, (i, ctx) -> i)
                .reduce(Reducers.sumLong())
                .leafSize(333)
                .build();

        // when
        long sum = await(node.submit(job).result());

        // then
        assertEquals(TestTasks.sumBelow(11_000) - TestTasks.sumBelow(1_000), sum);
    }

    @Test
    void whenExplicitTasksReduceToList_thenListIsInTaskOrder() {
        // given
        List<GridNode> nodes = startCluster(3);
        List<Task<Long>> tasks = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long value = i * 3L;
            tasks.add(ctx -> value);
        }
        Job<Long, List<Long>> job = Job.of(tasks).reduce(Reducers.<Long>toList()).build();

        // when
        List<Long> result = await(nodes.get(1).submit(job).result());

        // then
        List<Long> expected = LongStream.range(0, 10_000).map(i -> i * 3).boxed().collect(Collectors.toList());
        assertEquals(expected, result);
    }

    @Test
    void whenRangeJobWithOddLeafSizeReducesToList_thenListIsInIndexOrder() {
        // given
        List<GridNode> nodes = startCluster(3);
        Job<Long, List<Long>> job = Job.range(0, 20_000, (i, ctx) -> i)
                .reduce(Reducers.<Long>toList())
                .leafSize(7)
                .fanOut(3)
                .build();

        // when
        List<Long> result = await(nodes.get(2).submit(job).result());

        // then
        assertEquals(LongStream.range(0, 20_000).boxed().collect(Collectors.toList()), result);
    }

    @Test
    void whenCountReducerIsUsed_thenResultIsNumberOfTasks() {
        // given
        List<GridNode> nodes = startCluster(3);
        Job<String, Long> job = Job.range(0, 12_345, (i, ctx) -> "task " + i)
                .reduce(Reducers.<String>count())
                .build();

        // when
        long count = await(nodes.get(0).submit(job).result());

        // then
        assertEquals(12_345L, count);
    }

    @Test
    void whenMinAndMaxReducersAreUsed_thenResultsAreExtremes() {
        // given: i * 7919 mod 10007 is a permutation of [0, 10007), since 10007 is prime
        List<GridNode> nodes = startCluster(3);
        Job<Long, Long> min = Job.range(0, 10_007, (i, ctx) -> (i * 7919) % 10_007 + 5)
                .reduce(Reducers.<Long>min())
                .build();
        Job<Long, Long> max = Job.range(0, 10_007, (i, ctx) -> (i * 7919) % 10_007 + 5)
                .reduce(Reducers.<Long>max())
                .build();
        Job<Long, Long> maxOfReversed = Job.range(0, 10_007, (i, ctx) -> (i * 7919) % 10_007 + 5)
                .reduce(Reducers.max((Comparator<Long> & Serializable) (a, b) -> Long.compare(b, a)))
                .build();

        // when
        JobHandle<Long> minHandle = nodes.get(0).submit(min);
        JobHandle<Long> maxHandle = nodes.get(1).submit(max);
        JobHandle<Long> reversedHandle = nodes.get(2).submit(maxOfReversed);

        // then
        assertEquals(5L, await(minHandle.result()));
        assertEquals(10_011L, await(maxHandle.result()));
        assertEquals(5L, await(reversedHandle.result()), "max by a reversed comparator is the smallest value");
    }

    @Test
    void whenToMapReducerMergesCounts_thenEveryKeyHasItsExactCount() {
        // given: 7003 tasks, task i counts one for key i % 7
        List<GridNode> nodes = startCluster(3);
        Job<Map<Long, Long>, Map<Long, Long>> job = Job.range(0, 7_003, (i, ctx) -> Map.of(i % 7, 1L))
                .reduce(Reducers.<Long, Long>toMap(Long::sum))
                .leafSize(100)
                .build();

        // when
        Map<Long, Long> counts = await(nodes.get(0).submit(job).result());

        // then
        Map<Long, Long> expected = new HashMap<>();
        for (long k = 0; k < 7; k++) {
            expected.put(k, k < 3 ? 1001L : 1000L);
        }
        assertEquals(expected, counts);
    }

    @Test
    void whenKeyedJobSumsValues_thenMissingKeysCountAsNull() {
        // given: keys 0..999 hold 10 * key; key 5000 is absent, so its task sees a null value
        List<GridNode> nodes = startCluster(3);
        String mapName = "values-" + newRunId();
        IMap<Integer, Integer> data = nodes.get(0).hazelcast().getMap(mapName);
        Map<Integer, Integer> entries = IntStream.range(0, 1_000).boxed()
                .collect(Collectors.toMap(k -> k, k -> k * 10));
        data.putAll(entries);
        List<Integer> keys = new ArrayList<>(entries.keySet());
        keys.add(5_000);
        Job<Long, Long> job = Job.<Integer, Integer, Long>keyed(mapName, keys,
                        (k, v, ctx) -> v == null ? 0L : v.longValue())
                .reduce(Reducers.sumLong())
                .build();

        // when
        JobHandle<Long> handle = nodes.get(1).submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(10 * TestTasks.sumBelow(1_000), sum);
        assertEquals(1_001, handle.progress().total());
        assertEquals(1_001, handle.progress().done());
    }

    @Test
    void whenOverMapJobSumsValues_thenEveryEntryIsCountedOnce() {
        // given
        List<GridNode> nodes = startCluster(3);
        String mapName = "values-" + newRunId();
        IMap<Integer, Integer> data = nodes.get(0).hazelcast().getMap(mapName);
        data.putAll(IntStream.range(0, 2_000).boxed().collect(Collectors.toMap(k -> k, k -> k * 10)));
        Job<Integer, Long> sum = Job.<Integer, Integer, Integer>overMap(mapName, (k, v, ctx) -> v)
                .reduce(Reducers.sumLong())
                .build();
        Job<Integer, Long> count = Job.<Integer, Integer, Integer>overMap(mapName, (k, v, ctx) -> k)
                .reduce(Reducers.<Integer>count())
                .build();

        // when
        JobHandle<Long> sumHandle = nodes.get(2).submit(sum);
        JobHandle<Long> countHandle = nodes.get(0).submit(count);

        // then
        assertEquals(10 * TestTasks.sumBelow(2_000), await(sumHandle.result()));
        assertEquals(2_000L, await(countHandle.result()));
        assertEquals(2_000, sumHandle.progress().total());
    }
}
