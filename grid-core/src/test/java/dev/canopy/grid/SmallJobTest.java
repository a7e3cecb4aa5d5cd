package dev.canopy.grid;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small jobs take the short path: a member drives the jobs it submits, and a job that fits in one
 * leaf on its driver writes no sub-job records; results, retries and progress are as for any job.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SmallJobTest extends GridTestSupport {

    @Test
    void whenMemberSubmitsJobs_thenItIsTheirTopDriver() {
        // given
        GridNode submitter = startCluster(3).get(1);

        // when: ten jobs of a thousand tasks each
        for (int j = 0; j < 10; j++) {
            JobHandle<Long> handle = submitter.submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build());
            assertEquals(TestTasks.sumBelow(1_000), await(handle.result()));

            // then
            UUID top = submitter.jobs().stream().filter(info -> info.id().equals(handle.id()))
                    .findFirst().orElseThrow().topDriver();
            assertEquals(submitter.memberId(), top, "top driver of job " + j);
        }
    }

    @Test
    void whenOneTaskJobRuns_thenItWritesNoSubJobRecordAndShowsOneLeaf() {
        // given
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(41, 42, (i, ctx) -> {
            TestTasks.recordMember(run, TestTasks.localMember(ctx));
            return i;
        }).reduce(Reducers.sumLong()).build());
        long value = await(handle.result());

        // then: it ran on its submitter, once, and its tree has no record
        assertEquals(41, value);
        assertEquals(List.of(nodes.get(0).memberId()), TestTasks.members(run));
        IMap<SubJobKey, SubJobRecord> subjobs = nodes.get(2).hazelcast().getMap("canopy.subjobs");
        String id = handle.id().toString();
        Set<SubJobKey> keys = subjobs.keySet(Predicates.partitionPredicate(id, Predicates.alwaysTrue()));
        assertTrue(keys.stream().noneMatch(k -> k.jobId().equals(id)), "sub-job records of the job: " + keys);
        awaitTrue("the finished progress to be recorded", () -> handle.progress().equals(new JobProgress(1, 1, 0, 0, 0, 1, 1)));
    }

    @Test
    void whenOneTaskJobsTaskFailsOnce_thenItsRetryRunsOnAnotherMember() {
        // given
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(7, 8, (i, ctx) -> TestTasks.failOnFirstAttempt(run, i, true, ctx))
                .reduce(Reducers.sumLong()).build());
        long value = await(handle.result());

        // then
        assertEquals(7, value);
        List<UUID> attempts = assertRetriedOnAnotherMember(run + ":7", "attempts");
        assertEquals(nodes.get(0).memberId(), attempts.get(0), "first attempt on the submitter");
        awaitTrue("the finished progress to count the retry", () -> handle.progress().retried() == 1);
    }

    @Test
    void whenOneTaskJobOutlastsItsDriversReconciles_thenItsTaskRunsOnceOnTheSubmitter() {
        // given: a one-task job whose task waits for the test
        List<GridNode> nodes = startCluster(2);
        GridNode submitter = nodes.get(0);
        String run = newRunId();
        JobHandle<Long> handle = submitter.submit(Job.range(5, 6, (i, ctx) -> {
            TestTasks.recordMember(run, TestTasks.localMember(ctx));
            return TestTasks.awaitLatch(run, i);
        }).reduce(Reducers.sumLong()).build());
        awaitTrue("the task to start", () -> TestTasks.count(run + ":started") == 1);

        // when: the task runs on while the submitter's watchdog ticks seven times (each tick
        // publishes the member's load; every third has the drivers reconcile their children)
        IMap<UUID, MemberInfo> members = submitter.hazelcast().getMap("canopy.members");
        AtomicInteger ticks = new AtomicInteger();
        members.addEntryListener((EntryUpdatedListener<UUID, MemberInfo>) e -> ticks.incrementAndGet(),
                submitter.memberId(), false);
        awaitTrue("seven watchdog ticks on the submitter", () -> ticks.get() >= 7);
        TestTasks.latch(run).countDown();

        // then: its leaf, which has no record, was not taken for lost and run again elsewhere
        assertEquals(5, await(handle.result()));
        assertEquals(List.of(submitter.memberId()), TestTasks.members(run));
    }
}
