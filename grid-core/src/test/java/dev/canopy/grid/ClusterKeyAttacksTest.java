package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Signed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Attacks on a grid whose members hold a cluster key, each made the way the probes made
 * them: with a plain Hazelcast client that knows only the cluster's name and has Canopy's jar.
 * Each test checks that the attack changed nothing a user sees (the true result, other jobs
 * unaffected) and that the refusal was logged.
 */
class ClusterKeyAttacksTest extends GridTestSupport {

    static final String KEY = "test-cluster-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    private static final long SUM_0_TO_119 = 7140;

    private final LogCapture log = new LogCapture();

    @AfterEach
    void closeLog() {
        log.close();
    }

    private List<GridNode> startKeyedCluster(int members) {
        return cluster().start(members, () -> cluster().startMember(GridConfig.defaults().workerThreads(2)
                .clusterKey(KEY)));
    }

    /** 120 tasks in leaves of 10, each waiting for the run's latch: running until the test lets them finish. */
    private static Job<Long, Long> heldJob(String run) {
        return Job.range(0, 120, (i, ctx) -> TestTasks.awaitLatch(run, i))
                .reduce(Reducers.sumLong())
                .leafSize(10)
                .name("victim")
                .build();
    }

    /** Submits {@link #heldJob} from {@code submitter} and waits until its tasks run. */
    private static JobHandle<Long> startHeldJob(GridNode submitter, String run) {
        JobHandle<Long> victim = submitter.submit(heldJob(run));
        awaitTrue("tasks to start", () -> TestTasks.count(run + ":started") >= 1);
        return victim;
    }

    private static Job<Long, Long> quickJob() {
        return Job.range(0, 120, (i, ctx) -> i).reduce(Reducers.sumLong()).name("bystander").build();
    }

    @Test
    void whenPlainClientWritesAForgedResultForARunningJob_thenTheHandleGetsTheTrueResultAndAWarnIsLogged()
            throws Exception {
        // given
        List<GridNode> nodes = startKeyedCluster(3);
        String run = newRunId();
        JobHandle<Long> victim = startHeldJob(nodes.get(0), run);
        HazelcastInstance forger = cluster().startStrangerClient();

        // when
        IMap<String, Object> results = forger.getMap("canopy.results");
        results.put(victim.id().toString(), JobOutcome.completed(666L, List.of()));
        awaitTrue("the forged end to be refused", () -> !log.linesFrom("Refused an end of job " + victim.id()).isEmpty());
        TestTasks.latch(run).countDown();

        // then
        assertEquals(SUM_0_TO_119, await(victim.result()));
        assertTrue(log.linesFrom("Refused an end of job " + victim.id()).get(0)
                .contains("not sealed with this cluster's key; handles wait for the true one"));
        assertTrue(((JobOutcome) results.get(victim.id().toString())).verifies(ClusterKey.of(KEY, List.of(), "test"),
                victim.id().toString()), "the true end replaced the forged one");
    }

    @Test
    void whenPlainClientSendsABombAsASpecThroughTheSubmitCall_thenItIsRefusedUnreadAndOtherJobsRun() throws Exception {
        // given
        startKeyedCluster(3);
        HazelcastInstance forger = cluster().startStrangerClient();
        String id = JobId.newId().toString();
        JobRecord record = forgedRecord(id, forger.getLocalEndpoint().getUuid());

        // when
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> submitDirectly(forger, record, nestedSetBomb()).get(30, TimeUnit.SECONDS));

        // then
        JobRefusedException cause = assertInstanceOf(JobRefusedException.class, refused.getCause());
        assertTrue(cause.getMessage().startsWith("job " + id + " ('forged') refused by member "), cause.getMessage());
        assertTrue(cause.getMessage().endsWith(": not signed with this cluster's key"), cause.getMessage());
        assertFalse(forger.getMap("canopy.jobs").containsKey(id), "nothing of it was written");
        assertTrue(log.linesFrom("Refused job " + id + " ('forged') from client ").get(0)
                .endsWith(": not signed with this cluster's key; nothing of it ran"));
        GridClient user = cluster().startClient(GridClientConfig.defaults().clusterKey(KEY));
        for (int i = 0; i < 10; i++) {
            assertEquals(SUM_0_TO_119, await(user.submit(quickJob()).result()));
        }
    }

    @Test
    void whenPlainClientWritesAForgedJobRecordWithABombAsItsSpec_thenNoMemberReadsItAndAWarnIsLogged() {
        // given
        List<GridNode> nodes = startKeyedCluster(3);
        HazelcastInstance forger = cluster().startStrangerClient();
        String id = JobId.newId().toString();
        // a top driver no member has: the owner of the record's partition takes the job over, and so reads its spec
        JobRecord running = forgedRecord(id).started(UUID.randomUUID(), 120, System.currentTimeMillis())
                .withSpec(nestedSetBomb());

        // when
        forger.getMap("canopy.jobs").put(id, running);

        // then
        awaitTrue("the forged record's spec to be refused",
                () -> !log.linesFrom("Refused the spec in the record of job " + id).isEmpty());
        assertTrue(log.linesFrom("Refused the spec in the record of job " + id).get(0)
                .contains("not signed with this cluster's key"));
        assertFalse(forger.getMap("canopy.results").containsKey(id), "the job it names was neither run nor failed");
        assertEquals(SUM_0_TO_119, await(nodes.get(1).submit(quickJob()).result()));
    }

    @Test
    void whenSignedSpecIsChangedAfterSigning_thenItIsRefused() throws Exception {
        // given
        startKeyedCluster(2);
        HazelcastInstance forger = cluster().startStrangerClient();
        String id = JobId.newId().toString();
        byte[] signed = Signed.sign(ClusterKey.of(KEY, List.of(), "test"), ClusterKey.Use.SPEC, id,
                Codec.serialize(Job.specOf(quickJob()), "test job"));
        signed[signed.length - 1] ^= 1;

        // when
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> submitDirectly(forger, forgedRecord(id), signed).get(30, TimeUnit.SECONDS));

        // then
        assertTrue(refused.getCause().getMessage().endsWith(": not signed with this cluster's key (its signature"
                + " does not match its bytes for " + id + ": another key, another job, or bytes changed after"
                + " signing)"), refused.getCause().getMessage());
        assertFalse(forger.getMap("canopy.jobs").containsKey(id));
    }

    @Test
    void whenSignatureIsReplayedForAnotherJobIdOrResubmitted_thenItIsRefused_andForItsOwnIdTheJobRunsOnce() throws Exception {
        // given
        startKeyedCluster(2);
        HazelcastInstance sender = cluster().startStrangerClient();
        String signedFor = JobId.newId().toString();
        String replayedAs = JobId.newId().toString();
        byte[] signed = Signed.sign(ClusterKey.of(KEY, List.of(), "test"), ClusterKey.Use.SPEC, signedFor,
                Codec.serialize(Job.specOf(quickJob()), "test job"));

        // when
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> submitDirectly(sender, forgedRecord(replayedAs), signed).get(30, TimeUnit.SECONDS));
        submitDirectly(sender, forgedRecord(signedFor), signed).get(30, TimeUnit.SECONDS);

        // then
        assertTrue(refused.getCause().getMessage().contains("does not match its bytes for " + replayedAs),
                refused.getCause().getMessage());
        Object end = await(cluster().nodes().get(0).job(JobId.parse(signedFor)).orElseThrow().result());
        assertEquals(SUM_0_TO_119, end, "the control: the same bytes under the id they were signed for run");
        ExecutionException again = assertThrows(ExecutionException.class,
                () -> submitDirectly(sender, forgedRecord(signedFor), signed).get(30, TimeUnit.SECONDS));
        assertTrue(again.getCause().getMessage().endsWith(": a job with this id exists already (a replayed submit)"),
                again.getCause().getMessage());
    }

    @Test
    void whenClientHasTheWrongKeyOrNone_thenSubmitFailsWithAClearErrorAndNothingRuns() {
        // given
        List<GridNode> nodes = startKeyedCluster(2);
        GridClient wrongKey = cluster().startClient(GridClientConfig.defaults()
                .clusterKey("another-key-0123456789-abcdefghijklmnopqrstuvwxyz"));
        // made by hand, so that no suite-wide test key (see TestCluster) is given to it
        GridClient noKey = GridClient.over(cluster().startStrangerClient(),
                GridClientConfig.defaults().clusterName(cluster().clusterName()));

        // when
        JobRefusedException wrong = assertThrows(JobRefusedException.class, () -> wrongKey.submit(quickJob()));
        JobRefusedException none = assertThrows(JobRefusedException.class, () -> noKey.submit(quickJob()));

        // then
        assertTrue(wrong.getMessage().matches("job refused: the members \\{.*its engine has another key} hold another"
                + " cluster key than this submitter, so they would refuse its jobs as not signed with this cluster's"
                + " key; give it the cluster's key \\(clusterKeyFile or CANOPY_CLUSTER_KEY\\)"), wrong.getMessage());
        assertTrue(none.getMessage().matches("job \\S+ \\('bystander'\\) refused by member \\S+: not signed with this"
                + " cluster's key"), none.getMessage());
        assertFalse(wrong.isRetriable());
        assertEquals(0, nodes.get(0).hazelcast().getMap("canopy.jobs").size());
    }

    @Test
    void whenPlainClientOverwritesAChildsRecordWithAForgedCommit_thenItIsNotCountedAndTheChildRunsAgain() {
        // given
        List<GridNode> nodes = startKeyedCluster(3);
        String run = newRunId();
        JobHandle<Long> victim = startHeldJob(nodes.get(0), run);
        HazelcastInstance forger = cluster().startStrangerClient();
        IMap<SubJobKey, SubJobRecord> subjobs = forger.getMap("canopy.subjobs");
        List<SubJobRecord> leaves = new ArrayList<>();
        awaitTrue("the tree's leaves to be written", () -> {
            leaves.clear();
            for (Map.Entry<SubJobKey, SubJobRecord> e : subjobs.entrySet()) {
                if (e.getKey().jobId().equals(victim.id().toString()) && e.getValue().leaf()) {
                    leaves.add(e.getValue());
                }
            }
            return leaves.size() == 12;
        });
        SubJobRecord target = leaves.get(0);

        // when: the leaf "commits" a partial of 666 before its member can; the member's own commit is then refused
        subjobs.put(target.key(), target.committed(target.slice().size(), List.of(new Piece.Partial(666L)),
                System.currentTimeMillis()));
        TestTasks.latch(run).countDown();

        // then
        assertEquals(SUM_0_TO_119, await(victim.result()));
        assertTrue(log.linesFrom("Refused the commit of sub-job " + target.jobId() + "/" + target.path()).get(0)
                .contains("not sealed with this cluster's key; the sub-job runs again"));
        assertEquals(120 + target.slice().size(), TestTasks.count(run + ":started"),
                "every task ran once, and those of the forged leaf once more");
    }

    @Test
    void whenPlainClientSendsACancelCallForARunningJob_thenItsWorkGoesOnAndTheJobCompletes() throws Exception {
        // given
        List<GridNode> nodes = startKeyedCluster(2);
        String run = newRunId();
        JobHandle<Long> victim = startHeldJob(nodes.get(0), run);
        HazelcastInstance forger = cluster().startStrangerClient();

        // when
        Runnable cancel = (Runnable) construct("dev.canopy.grid.internal.access.CancelJob",
                new Class<?>[] {String.class, UUID.class, ClusterKey.class},
                victim.id().toString(), forger.getLocalEndpoint().getUuid(), ClusterKey.none());
        forger.getExecutorService("canopy.control").executeOnAllMembers(cancel);
        awaitTrue("the cancel to be refused",
                () -> log.linesFrom("Refused the cancel of job " + victim.id()).size() >= 1);
        TestTasks.latch(run).countDown();

        // then
        assertEquals(SUM_0_TO_119, await(victim.result()));
        assertTrue(log.linesFrom("Refused the cancel of job " + victim.id()).get(0)
                .contains("from client " + forger.getLocalEndpoint().getUuid()));
    }

    @Test
    void whenPlainClientSendsABombAsAControlMessage_thenItIsRefusedUnreadAndJobsRun() {
        // given
        List<GridNode> nodes = startKeyedCluster(2);
        HazelcastInstance forger = cluster().startStrangerClient();
        UUID claimed = nodes.get(1).memberId();

        // when: the message claims to come from a member, whose key the forger lacks
        Runnable envelope = (Runnable) construct("dev.canopy.grid.internal.engine.Envelope",
                new Class<?>[] {byte[].class, UUID.class, byte[].class}, nestedSetBomb(), claimed, null);
        forger.getExecutorService("canopy.control").executeOnAllMembers(envelope);

        // then
        awaitTrue("the message to be refused", () -> !log.linesFrom("Refused a control message from member "
                + claimed).isEmpty());
        assertTrue(log.linesFrom("Refused a control message from member " + claimed).get(0)
                .contains(": not signed with this cluster's key; its " + nestedSetBomb().length
                        + " bytes were not read; nothing of it ran"));
        assertEquals(SUM_0_TO_119, await(nodes.get(0).submit(quickJob()).result()));
    }

    // ------------------------------------------------------------------------------------ helpers

    private static JobRecord forgedRecord(String id) {
        return forgedRecord(id, UUID.randomUUID());
    }

    private static JobRecord forgedRecord(String id, UUID submitter) {
        return JobRecord.submitted(id, Job.specOf(Job.range(0, 120, (i, ctx) -> i).reduce(Reducers.sumLong())
                .name("forged").build()), submitter, System.currentTimeMillis());
    }

    /** Calls the submit message Canopy's clients send, as anyone with Canopy's jar can. */
    @SuppressWarnings("unchecked")
    private static Future<Boolean> submitDirectly(HazelcastInstance from, JobRecord record, byte[] spec) {
        Callable<Boolean> submit = (Callable<Boolean>) construct("dev.canopy.grid.internal.access.SubmitJob",
                new Class<?>[] {JobRecord.class, byte[].class}, record, spec);
        return from.getExecutorService("canopy.control").submitToKeyOwner(submit, record.id());
    }

    private static Object construct(String className, Class<?>[] types, Object... args) {
        try {
            Constructor<?> constructor = Class.forName(className).getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic deserialization bomb ({@link Bombs#nestedSets}), as a stranger would send it: 3-4 KB. */
    static byte[] nestedSetBomb() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(Bombs.nestedSets(100));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
