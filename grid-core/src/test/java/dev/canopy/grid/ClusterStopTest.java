package dev.canopy.grid;

import com.hazelcast.internal.partition.PartitionReplica;
import com.hazelcast.test.Accessors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Job records and results live in the members' memory only. A client waiting on a job when every
 * member stops is told that the whole cluster stopped (or restarted) and that the job must be
 * submitted again, whether it gives up reconnecting or finds a new cluster of the same name; the
 * "left together before their backups" wording is kept for members lost while others remain.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterStopTest extends GridTestSupport {

    private final String run = newRunId();

    @AfterEach
    void releaseTasks() {
        TestTasks.latch(run).countDown();
    }

    @Test
    void whenEveryMemberStopsWhileAClientWaits_thenItsFutureFailsSayingTheWholeClusterStopped() {
        // given: the client gives up reconnecting after 3 s
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().connectTimeout(Duration.ofSeconds(3)));
        JobHandle<Long> handle = client.submit(waitingJob());
        awaitTrue("the job's tasks to start", () -> TestTasks.count(run + ":started") == 4);

        // when
        cluster().kill(memberUuids().toArray(UUID[]::new));

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, awaitFailure(handle.result()));
        assertEquals("job " + handle.id() + " failed: the whole cluster stopped or restarted while the job was"
                + " running, or became unreachable (this client lost every member of cluster '"
                + cluster().clusterName() + "' and none answered within connectTimeout, 3000 ms, so the client shut"
                + " down); records and results are kept in the members' memory only, so a cluster that stopped has"
                + " lost the job: submit it again", failed.getMessage());
        assertEquals("job", failed.task());
        assertInstanceOf(RetriableGridException.class, failed.getCause());
        assertFalse(failed.getMessage().contains("before their backups were in sync"));
    }

    @Test
    void whenTheWholeClusterRestartsWhileAClientWaits_thenItsFutureFailsSayingSoAndTheJobIsGone() {
        // given: the client keeps trying to reconnect for a minute
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().connectTimeout(Duration.ofMinutes(1)));
        JobHandle<Long> handle = client.submit(waitingJob());
        awaitTrue("the job's tasks to start", () -> TestTasks.count(run + ":started") == 4);

        // when: every member stops, and new ones start a cluster of the same name
        cluster().kill(memberUuids().toArray(UUID[]::new));
        startCluster(2);

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, awaitFailure(handle.result()));
        assertEquals("job " + handle.id() + " failed: the whole cluster stopped or restarted while the job was"
                + " running (none of the members there when it was submitted is left, and those there now do not know"
                + " the job); records and results are kept in the members' memory only, so the job is gone: submit it"
                + " again", failed.getMessage());
        assertInstanceOf(RetriableGridException.class, failed.getCause());
        assertEquals(List.of(), client.jobs());
        assertEquals(Optional.empty(), client.job(handle.id()));
    }

    @Test
    void whenTheMembersHoldingAJobDieTogetherWhileOthersRemain_thenTheFutureFailsAsLostWithThem() {
        // given: three members with one backup each; the client's job id lands in any partition
        startCluster(3);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        JobHandle<Long> handle = client.submit(waitingJob());
        awaitTrue("the job's tasks to start", () -> TestTasks.count(run + ":started") == 4);
        UUID owner = replicaOfJobPartition(handle.id(), 0);
        UUID backup = replicaOfJobPartition(handle.id(), 1);
        assertNotEquals(owner, backup);

        // when: both copies of the job's records go at once, one member stays
        cluster().kill(owner, backup);

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, awaitFailure(handle.result()));
        assertEquals("job " + handle.id() + " failed: its records were on members that left together before their"
                + " backups were in sync (more than backupCount at once); submit it again: "
                + RetriableGridException.class.getName() + ": job " + handle.id() + " was lost", failed.getMessage());
    }

    /** Four one-task leaves that wait for the run's latch: the job runs until the test ends it. */
    private Job<Long, Long> waitingJob() {
        String latch = run;
        return Job.range(0, 4, (i, ctx) -> TestTasks.awaitLatch(latch, i)).reduce(Reducers.sumLong())
                .leafSize(1).name("waiting").build();
    }

    /** The member holding replica {@code index} (0 = owner, 1 = first backup) of the job's partition. */
    private UUID replicaOfJobPartition(JobId id, int index) {
        GridNode any = cluster().liveNodes().get(0);
        int partitionId = any.hazelcast().getPartitionService().getPartition(id.toString()).getPartitionId();
        PartitionReplica replica = Accessors.getPartitionService(any.hazelcast()).getPartition(partitionId)
                .getReplica(index);
        return replica.uuid();
    }
}
