package dev.canopy.grid;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.partition.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strangers in a keyed grid: members that run no Canopy engine, or one without this cluster's key,
 * get no Canopy work, and every node names each of them in one WARN. Jobs are submitted only by
 * holders of the key, so these tests hold once job specs are signed too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StrangersTest extends GridTestSupport {

    private static final String KEY = "strangers-test-key-0123456789abcdefghijklmnop";
    private static final String OTHER_KEY = "another-test-key-0123456789abcdefghijklmnopqr";
    private static final long TASKS = 300;
    private static final String WHY_NO_ENGINE = "it runs no engine at all";
    private static final String WHY_NO_KEY = "its engine has no key";
    private static final String WHY_OTHER_KEY = "its engine has another key";

    private static GridConfig withKey(String key) {
        return GridConfig.defaults().workerThreads(2).clusterKey(key);
    }

    /** Tasks spread over many leaves, each counting the member it ran on. */
    private static Job<Map<UUID, Long>, Map<UUID, Long>> tasksByMember() {
        return Job.range(0, TASKS, (i, ctx) -> Map.of(TestTasks.localMember(ctx), 1L))
                .reduce(Reducers.<UUID, Long>toMap(Long::sum))
                .leafSize(10)
                .build();
    }

    private static Set<UUID> ids(List<GridNode> nodes) {
        return nodes.stream().map(GridNode::memberId).collect(Collectors.toSet());
    }

    private static String warning(HazelcastInstance member, String why) {
        Address address = member.getCluster().getLocalMember().getAddress();
        return "Member " + member.getCluster().getLocalMember().getUuid() + " at " + address.getHost() + ":"
                + address.getPort() + " runs no Canopy engine with this cluster's key (" + why + "): no Canopy work"
                + " goes to it. Open-source Hazelcast cannot stop it from reading the grid's maps or shutting the"
                + " cluster down; keep the grid's network private (see README, Security)";
    }

    private static List<String> times(int n, String line) {
        return Collections.nCopies(n, line);
    }

    /** Waits until {@code lines} WARNs name {@code member}, then gives every one that does. */
    private static List<String> awaitWarnings(LogCapture log, HazelcastInstance member, int lines) {
        String naming = "Member " + member.getCluster().getLocalMember().getUuid() + " at ";
        awaitTrue(lines + " warnings naming " + naming, () -> log.linesFrom(naming).size() >= lines);
        return log.linesFrom(naming);
    }

    /**
     * Waits until every node's watchdog ticked {@code ticks} more times (each tick writes the node's
     * {@link MemberInfo}): time for a second WARN, were one to come.
     */
    private static void awaitTicks(List<GridNode> nodes, int ticks) {
        List<AtomicInteger> counts = new ArrayList<>();
        for (GridNode node : nodes) {
            AtomicInteger count = new AtomicInteger();
            IMap<UUID, MemberInfo> members = node.hazelcast().getMap("canopy.members");
            members.addEntryListener((EntryUpdatedListener<UUID, MemberInfo>) e -> count.incrementAndGet(),
                    node.memberId(), false);
            counts.add(count);
        }
        awaitTrue(ticks + " watchdog ticks on every node", () -> counts.stream().allMatch(c -> c.get() >= ticks));
    }

    /** Partitions the member owns, as the oldest node sees them. */
    private int partitionsOwnedBy(UUID member) {
        int owned = 0;
        for (Partition p : cluster().liveNodes().get(0).hazelcast().getPartitionService().getPartitions()) {
            if (p.getOwner() != null && p.getOwner().getUuid().equals(member)) {
                owned++;
            }
        }
        return owned;
    }

    /** Waits until {@code stranger} owns partitions, no migration runs, and {@code client} knows the table. */
    private void awaitPartitionsSettledWith(HazelcastInstance stranger, GridClient client, int members) {
        UUID strangerId = stranger.getCluster().getLocalMember().getUuid();
        awaitTrue("every member and the client to see " + members + " members", () ->
                stranger.getCluster().getMembers().size() == members
                        && client.hazelcast().getCluster().getMembers().size() == members
                        && cluster().liveNodes().stream()
                        .allMatch(n -> n.hazelcast().getCluster().getMembers().size() == members));
        awaitTrue("the stranger to own partitions, with no migration running", () ->
                partitionsOwnedBy(strangerId) > 0 && stranger.getPartitionService().isClusterSafe()
                        && cluster().liveNodes().stream().allMatch(n -> n.hazelcast().getPartitionService().isClusterSafe()));
        HazelcastInstance member = cluster().liveNodes().get(0).hazelcast();
        awaitTrue("the client to know the partition table", () -> owners(client.hazelcast()).equals(owners(member)));
    }

    /** Partition id to owner, as {@code instance} sees it. */
    private static Map<Integer, UUID> owners(HazelcastInstance instance) {
        Map<Integer, UUID> owners = new HashMap<>();
        for (Partition p : instance.getPartitionService().getPartitions()) {
            owners.put(p.getPartitionId(), p.getOwner() == null ? null : p.getOwner().getUuid());
        }
        return owners;
    }

    @Test
    void whenPlainMemberJoinsKeyedGrid_thenClientJobsCompleteWithoutItAndEveryNodeWarnsOnce() {
        // given: three nodes and a client with the cluster's key
        List<GridNode> nodes = cluster().start(3, () -> cluster().startMember(withKey(KEY)));
        GridClient client = cluster().startClient(GridClientConfig.defaults().clusterKey(KEY).shipCode(false));
        try (LogCapture log = new LogCapture()) {
            // when: a plain Hazelcast member that knows the cluster's name joins and takes partitions,
            // and the client submits 30 jobs while it is in
            HazelcastInstance plain = cluster().startPlainMember();
            awaitPartitionsSettledWith(plain, client, 4);
            List<JobHandle<Map<UUID, Long>>> handles = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                handles.add(client.submit(tasksByMember()));
            }

            // then: every job completes with all its tasks, none of them on the plain member
            UUID plainId = plain.getCluster().getLocalMember().getUuid();
            Set<UUID> ranOn = new HashSet<>();
            for (JobHandle<Map<UUID, Long>> handle : handles) {
                Map<UUID, Long> tasksPerMember = await(handle.result());
                assertEquals(TASKS, tasksPerMember.values().stream().mapToLong(Long::longValue).sum(),
                        "tasks counted in job " + handle.id() + ": " + tasksPerMember);
                ranOn.addAll(tasksPerMember.keySet());
            }
            assertTrue(ids(nodes).containsAll(ranOn), "members that ran tasks: " + ranOn + ", the plain one is "
                    + plainId);
            assertFalse(ranOn.contains(plainId));
            // each of the three nodes names it once
            awaitWarnings(log, plain, 3);
            awaitTicks(nodes, 3);
            assertEquals(times(3, warning(plain, WHY_NO_ENGINE)), awaitWarnings(log, plain, 3));
        }
    }

    @Test
    void whenEnginesWithoutKeyAndWithAnotherKeyJoin_thenTheyRunNoTaskOfKeyedJobsAndEachIsNamed() {
        // given: three nodes with the cluster's key, a node without a key and one with another key
        List<GridNode> keyed = cluster().start(3, () -> cluster().startMember(withKey(KEY)));
        try (LogCapture log = new LogCapture()) {
            GridNode keyless = cluster().startMember(GridConfig.defaults().workerThreads(2));
            GridNode otherKey = cluster().startMember(withKey(OTHER_KEY));
            cluster().awaitClusterSize(5);
            cluster().awaitClusterSafe();
            assertTrue(partitionsOwnedBy(keyless.memberId()) > 0 && partitionsOwnedBy(otherKey.memberId()) > 0,
                    "both strangers own partitions");
            String mapName = "strangers-" + newRunId();
            IMap<Integer, Integer> data = keyed.get(0).hazelcast().getMap(mapName);
            data.putAll(IntStream.range(0, 2_000).boxed().collect(Collectors.toMap(k -> k, k -> k)));

            // when: each keyed node submits a job spread over leaves, and one job over every entry of a
            // map, whose entries lie in the strangers' partitions too
            List<JobHandle<Map<UUID, Long>>> ranges = new ArrayList<>();
            for (GridNode node : keyed) {
                ranges.add(node.submit(tasksByMember()));
            }
            Map<Integer, UUID> entriesRanOn = await(keyed.get(1).submit(
                    Job.<Integer, Integer, Map<Integer, UUID>>overMap(mapName,
                                    (k, v, ctx) -> Map.of(k, TestTasks.localMember(ctx)))
                            .reduce(Reducers.<Integer, UUID>toMap((a, b) -> a))
                            .build()).result());

            // then: only the keyed nodes ran tasks, and every task ran
            Set<UUID> ranOn = new HashSet<>(entriesRanOn.values());
            for (JobHandle<Map<UUID, Long>> handle : ranges) {
                Map<UUID, Long> tasksPerMember = await(handle.result());
                assertEquals(TASKS, tasksPerMember.values().stream().mapToLong(Long::longValue).sum());
                ranOn.addAll(tasksPerMember.keySet());
            }
            assertEquals(2_000, entriesRanOn.size(), "entries counted");
            assertTrue(ids(keyed).containsAll(ranOn), "members that ran tasks: " + ranOn + "; without a key: "
                    + keyless.memberId() + ", with another: " + otherKey.memberId());
            // the node without a key is named by the three keyed nodes and by the one with another key;
            // the one with another key by the three keyed nodes (a node without a key trusts every engine)
            awaitWarnings(log, keyless.hazelcast(), 4);
            awaitWarnings(log, otherKey.hazelcast(), 3);
            awaitTicks(cluster().liveNodes(), 3);
            assertEquals(times(4, warning(keyless.hazelcast(), WHY_NO_KEY)),
                    awaitWarnings(log, keyless.hazelcast(), 4));
            assertEquals(times(3, warning(otherKey.hazelcast(), WHY_OTHER_KEY)),
                    awaitWarnings(log, otherKey.hazelcast(), 3));
        }
    }

    @Test
    void whenKeyedNodeJoinsWithAPlainMember_thenOnlyThePlainMemberIsWarnedAbout() {
        // given
        cluster().start(2, () -> cluster().startMember(withKey(KEY)));
        try (LogCapture log = new LogCapture()) {
            // when: a node with the key joins at the same time as a plain member: both are listed
            // before the node's engine has written its proof
            HazelcastInstance plain = cluster().startPlainMember();
            GridNode late = cluster().startMember(withKey(KEY));

            // then: by the time the grace has passed for the plain member (named by all three
            // nodes), the node was never taken for a stranger
            assertEquals(times(3, warning(plain, WHY_NO_ENGINE)), awaitWarnings(log, plain, 3));
            assertEquals(List.of(), log.linesFrom("Member " + late.memberId()));
            Map<UUID, Long> tasksPerMember = await(late.submit(tasksByMember()).result());
            assertTrue(tasksPerMember.containsKey(late.memberId()), "the late node runs tasks: " + tasksPerMember);
        }
    }

    @Test
    void whenTopDriverDiesAndJobRecordsFallToPlainMember_thenTheOldestTrustedNodeTakesThemOver() {
        // given: a plain member in a keyed grid, and 30 jobs driven by one node, whose tasks wait
        List<GridNode> nodes = cluster().start(3, () -> cluster().startMember(withKey(KEY)));
        HazelcastInstance plain = cluster().startPlainMember();
        UUID plainId = plain.getCluster().getLocalMember().getUuid();
        awaitTrue("the plain member to own partitions, with no migration running", () ->
                partitionsOwnedBy(plainId) > 0 && plain.getPartitionService().isClusterSafe());
        GridNode driver = nodes.get(1);
        String run = newRunId();
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(driver.submit(Job.range(0, 4, (t, ctx) -> TestTasks.awaitLatch(run, t))
                    .reduce(Reducers.sumLong()).build()).id());
        }
        List<JobHandle<?>> handles = new ArrayList<>();
        for (JobId id : ids) {
            handles.add(nodes.get(0).job(id).orElseThrow());
        }

        // when: the driver dies; the plain member ends up owning some of the jobs' partitions
        cluster().kill(driver.memberId());
        awaitTrue("no migration running", () -> plain.getPartitionService().isClusterSafe());
        List<JobId> onPlain = ids.stream().filter(id -> cluster().ownerOf(id.toString()).equals(plainId)).toList();
        assertFalse(onPlain.isEmpty(), "some of 30 jobs' records lie in the plain member's partitions");
        TestTasks.latch(run).countDown();

        // then: every job completes, those on the plain member's partitions too
        for (JobHandle<?> handle : handles) {
            assertEquals(6L, await(handle.result()), "result of job " + handle.id());
        }
    }

    @Test
    void whenClientHasAnotherKey_thenSubmitFailsNamingTheMembersAndTheKey() {
        // given
        List<GridNode> nodes = cluster().start(1, () -> cluster().startMember(withKey(KEY)));
        GridClient client = cluster().startClient(GridClientConfig.defaults().clusterKey(OTHER_KEY).shipCode(false));
        awaitTrue("the client to know the partition table", () ->
                client.hazelcast().getPartitionService().getPartition(0).getOwner() != null);

        // when
        RuntimeException e = assertThrows(RuntimeException.class, () -> client.submit(tasksByMember()));

        // then
        JobRefusedException refused = assertInstanceOf(JobRefusedException.class, e);
        Address address = nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress();
        assertEquals("job refused: the members {" + nodes.get(0).memberId() + "=" + address.getHost() + ":"
                + address.getPort() + ", its engine has another key} hold another cluster key than this submitter,"
                + " so they would refuse its jobs as not signed with this cluster's key; give it the cluster's key"
                + " (clusterKeyFile or CANOPY_CLUSTER_KEY)", refused.getMessage());
        assertFalse(refused.isRetriable(), "another key is no passing state: trying again cannot help");
    }
}
