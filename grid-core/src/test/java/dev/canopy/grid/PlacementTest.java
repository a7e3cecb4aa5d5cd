package dev.canopy.grid;

import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work goes to its data; unkeyed work is spread over the members. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PlacementTest extends GridTestSupport {

    private static final int KEYS = 2_000;

    /** Fails a job whose reducer meets a key twice: every key's result must be counted exactly once. */
    private static UUID reportedTwice(UUID first, UUID second) {
        throw new IllegalStateException("a key was reported twice, by " + first + " and " + second);
    }

    private String fillMap(GridNode node) {
        String mapName = "placement-" + newRunId();
        IMap<Integer, Integer> data = node.hazelcast().getMap(mapName);
        data.putAll(IntStream.range(0, KEYS).boxed().collect(Collectors.toMap(k -> k, k -> k * 10)));
        return mapName;
    }

    @Test
    void whenKeyedJobRuns_thenEachKeyRunsOnItsPartitionOwner() {
        // given: 2000 keys on 4 members, partitions stable
        List<GridNode> nodes = startCluster(4);
        String mapName = fillMap(nodes.get(0));
        List<Integer> keys = IntStream.range(0, KEYS).boxed().collect(Collectors.toList());
        Job<Map<Integer, UUID>, Map<Integer, UUID>> job = Job.<Integer, Integer, Map<Integer, UUID>>keyed(
                        mapName, keys, (k, v, ctx) -> Map.of(k, TestTasks.localMember(ctx)))
                .reduce(Reducers.<Integer, UUID>toMap(PlacementTest::reportedTwice))
                .build();

        // when
        Map<Integer, UUID> ranOn = await(nodes.get(0).submit(job).result());

        // then
        assertEquals(Set.copyOf(keys), ranOn.keySet());
        List<String> misplaced = new ArrayList<>();
        for (Integer key : keys) {
            UUID owner = ownerOf(key);
            if (!owner.equals(ranOn.get(key))) {
                misplaced.add("key " + key + " ran on " + ranOn.get(key) + ", owner is " + owner);
            }
        }
        assertEquals(List.of(), misplaced);
        assertEquals(4, Set.copyOf(ranOn.values()).size(), "2000 keys are spread over all 4 members' partitions");
    }

    @Test
    void whenOverMapJobRuns_thenEachEntryRunsOnItsPartitionOwner() {
        // given
        List<GridNode> nodes = startCluster(4);
        String mapName = fillMap(nodes.get(1));
        Job<Map<Integer, UUID>, Map<Integer, UUID>> job = Job.<Integer, Integer, Map<Integer, UUID>>overMap(
                        mapName, (k, v, ctx) -> Map.of(k, TestTasks.localMember(ctx)))
                .reduce(Reducers.<Integer, UUID>toMap(PlacementTest::reportedTwice))
                .build();

        // when
        Map<Integer, UUID> ranOn = await(nodes.get(3).submit(job).result());

        // then
        assertEquals(IntStream.range(0, KEYS).boxed().collect(Collectors.toSet()), ranOn.keySet());
        List<String> misplaced = new ArrayList<>();
        for (Map.Entry<Integer, UUID> e : ranOn.entrySet()) {
            UUID owner = ownerOf(e.getKey());
            if (!owner.equals(e.getValue())) {
                misplaced.add("key " + e.getKey() + " ran on " + e.getValue() + ", owner is " + owner);
            }
        }
        assertEquals(List.of(), misplaced);
    }

    @Test
    void whenUnkeyedRangeJobRuns_thenTasksRunOnMoreThanOneMember() {
        // given
        List<GridNode> nodes = startCluster(3);
        long n = 60_000;
        Job<Map<UUID, Long>, Map<UUID, Long>> job = Job.range(0, n, (i, ctx) -> Map.of(TestTasks.localMember(ctx), 1L))
                .reduce(Reducers.<UUID, Long>toMap(Long::sum))
                .leafSize(100)
                .build();

        // when
        Map<UUID, Long> tasksPerMember = await(nodes.get(0).submit(job).result());

        // then
        assertEquals(n, tasksPerMember.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(memberUuids().containsAll(tasksPerMember.keySet()), "only members run tasks: " + tasksPerMember);
        assertTrue(tasksPerMember.size() > 1,
                "tasks of an unkeyed job ran on one member only (the submitter is " + nodes.get(0).memberId() + "): "
                        + tasksPerMember);
    }
}
