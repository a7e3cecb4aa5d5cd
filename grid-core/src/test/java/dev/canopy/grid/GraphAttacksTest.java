package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.StageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graphs under a cluster key, attacked by a plain Hazelcast client that knows only the cluster's
 * name (as in {@link ClusterKeyAttacksTest}): a forged graph is never read, and a graph's record
 * rewritten to point a stage at another job never hands that job's result to the graph.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GraphAttacksTest extends GridTestSupport {

    private final LogCapture log = new LogCapture();
    private final String run = "graph-attack-" + UUID.randomUUID();

    @AfterEach
    void closeLog() {
        TestTasks.latch(run).countDown();
        log.close();
    }

    private List<GridNode> startKeyedCluster(int members) {
        return cluster().start(members, () -> cluster().startMember(GridConfig.defaults().workerThreads(2)
                .clusterKey(ClusterKeyAttacksTest.KEY)));
    }

    private static JobGraph forgedGraph() {
        return JobGraph.builder("forged").stage("a", Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
                .build();
    }

    @Test
    void whenPlainClientSendsABombAsAGraphThroughTheSubmitCall_thenItIsRefusedUnreadAndNothingIsWritten()
            throws Exception {
        // given
        List<GridNode> nodes = startKeyedCluster(2);
        HazelcastInstance forger = cluster().startStrangerClient();
        String id = GraphId.newId().toString();
        GraphRecord record = GraphRecord.submitted(id, JobGraph.specOf(forgedGraph()), forger.getLocalEndpoint().getUuid(),
                System.currentTimeMillis());

        // when
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> submitDirectly(forger, record, ClusterKeyAttacksTest.nestedSetBomb()).get(30, TimeUnit.SECONDS));

        // then
        JobRefusedException cause = assertInstanceOf(JobRefusedException.class, refused.getCause());
        assertTrue(cause.getMessage().startsWith("graph " + id + " ('forged') refused by member "), cause.getMessage());
        assertTrue(cause.getMessage().endsWith(": not signed with this cluster's key"), cause.getMessage());
        assertFalse(forger.getMap("canopy.graphs").containsKey(id), "nothing of it was written");
        assertTrue(log.linesFrom("Refused graph " + id + " ('forged') from client ").get(0)
                .endsWith(": not signed with this cluster's key; nothing of it ran"));
        assertEquals(45L, await(nodes.get(1).submit(forgedGraph()).result()).get("a"));
    }

    @Test
    void whenPlainClientWritesAForgedGraphRecordWithABombAsItsSpec_thenNoMemberReadsIt() {
        // given: a record whose driver no member is, so that the owner of its partition takes it over
        List<GridNode> nodes = startKeyedCluster(2);
        HazelcastInstance forger = cluster().startStrangerClient();
        String id = GraphId.newId().toString();
        GraphRecord record = GraphRecord.submitted(id, JobGraph.specOf(forgedGraph()), UUID.randomUUID(),
                System.currentTimeMillis()).started(UUID.randomUUID(), ClusterKeyAttacksTest.nestedSetBomb());

        // when
        forger.getMap("canopy.graphs").put(id, record);

        // then
        awaitTrue("the forged record's spec to be refused",
                () -> !log.linesFrom("Refused the spec in the record of graph " + id).isEmpty());
        assertTrue(log.linesFrom("Refused the spec in the record of graph " + id).get(0)
                .contains("not signed with this cluster's key"));
        assertFalse(forger.getMap("canopy.results").containsKey(id), "the graph it names was neither run nor failed");
        assertEquals(45L, await(nodes.get(0).submit(forgedGraph()).result()).get("a"));
    }

    @Test
    void whenPlainClientPointsAStageAtAnotherJob_thenTheGraphNeverTakesThatJobsResult() {
        // given: a finished job whose result the forger wants the graph to report, and a graph whose stage a runs
        List<GridNode> nodes = startKeyedCluster(2);
        JobHandle<Long> other = nodes.get(0).submit(Job.of(List.<Task<Long>>of(ctx -> 666L))
                .reduce(Reducers.sumLong()).build());
        assertEquals(666L, await(other.result()));
        String held = run;
        JobGraph graph = JobGraph.builder("victim")
                .stage("a", Job.range(0, 4, (i, ctx) -> TestTasks.awaitLatch(held, i)).reduce(Reducers.sumLong())
                        .build())
                .stage("b", in -> Job.of(List.<Task<Long>>of(ctx -> 1L)).reduce(Reducers.sumLong()).build(), "a")
                .build();
        GraphHandle handle = nodes.get(1).submit(graph);
        awaitTrue("stage a to run", () -> TestTasks.count(held + ":started") >= 1);
        HazelcastInstance forger = cluster().startStrangerClient();
        IMap<String, GraphRecord> graphs = forger.getMap("canopy.graphs");
        GraphRecord record = graphs.get(handle.id().toString());

        // when: stage a is made COMPLETED with the other job's id, its seal kept
        List<StageRecord> stages = new ArrayList<>(record.stages());
        StageRecord a = stages.get(0);
        stages.set(0, new StageRecord(a.name(), a.after(), StageState.COMPLETED, other.id().toString(), a.jobSeal(),
                null, null, a.creations()));
        graphs.put(record.id(), new GraphRecord(record.id(), record.name(), record.state(), record.submitter(),
                record.driver(), record.submittedMillis(), record.timeoutMillis(), record.endedMillis(), stages,
                record.spec()));
        TestTasks.latch(held).countDown();

        // then
        Throwable failure = awaitFailure(handle.result());
        assertEquals("graph " + handle.id() + " ('victim') failed: stage 'a' completed, but its job id in the graph's"
                + " record was not sealed with the cluster's key", failure.getMessage());
        assertFalse(log.linesFrom("Refused the job id of stage 'a' of graph " + handle.id()).isEmpty());
    }

    /** Calls the submit message Canopy's clients send for a graph, as anyone with Canopy's jar can. */
    @SuppressWarnings("unchecked")
    private static Future<Boolean> submitDirectly(HazelcastInstance from, GraphRecord record, byte[] spec) {
        try {
            Constructor<?> constructor = Class.forName("dev.canopy.grid.internal.access.SubmitGraph")
                    .getDeclaredConstructor(GraphRecord.class, byte[].class);
            constructor.setAccessible(true);
            Callable<Boolean> submit = (Callable<Boolean>) constructor.newInstance(record, spec);
            return from.getExecutorService("canopy.control").submitToKeyOwner(submit, record.id());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
