package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any member can re-attach to a job by id, while it runs and after it finished. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobReattachTest extends GridTestSupport {

    @Test
    void whenOtherMemberReattachesToRunningJob_thenItsHandleGetsTheSameResult() {
        // given: a job on member A whose tasks wait for a latch
        List<GridNode> nodes = startCluster(2);
        GridNode a = nodes.get(0);
        GridNode b = nodes.get(1);
        String run = newRunId();
        JobHandle<Long> original = a.submit(Job.range(0, 10, (i, ctx) -> TestTasks.awaitLatch(run, i))
                .reduce(Reducers.sumLong())
                .leafSize(1)
                .build());
        awaitTrue("the job's tasks to start", () -> TestTasks.count(run + ":started") >= 1);

        // when
        Optional<JobHandle<?>> reattached = b.job(original.id());

        // then
        assertTrue(reattached.isPresent(), "job " + original.id() + " seen from member B");
        assertEquals(original.id(), reattached.get().id());
        assertFalse(reattached.get().state().isTerminal(), "state while tasks wait: " + reattached.get().state());
        TestTasks.latch(run).countDown();
        assertEquals(45L, await(original.result()));
        assertEquals(45L, await(reattached.get().result()));
        assertEquals(JobState.COMPLETED, reattached.get().state());
    }

    @Test
    void whenJobFinished_thenItCanStillBeFoundAndListedFromAnyMember() {
        // given: a finished job submitted on member A
        List<GridNode> nodes = startCluster(2);
        GridNode a = nodes.get(0);
        GridNode b = nodes.get(1);
        JobHandle<Long> original = a.submit(Job.range(0, 1_000, (i, ctx) -> i)
                .reduce(Reducers.sumLong())
                .name("reattach")
                .build());
        long result = await(original.result());

        // when
        Optional<JobHandle<?>> fromB = b.job(original.id());
        Optional<JobHandle<?>> fromA = a.job(original.id());

        // then
        assertEquals(TestTasks.sumBelow(1_000), result);
        assertTrue(fromB.isPresent());
        assertEquals(original.id(), fromB.get().id());
        assertEquals(result, await(fromB.get().result()));
        assertEquals(JobState.COMPLETED, fromB.get().state());
        assertTrue(fromA.isPresent());
        assertEquals(result, await(fromA.get().result()));
        for (GridNode node : nodes) {
            List<JobInfo> jobs = node.jobs();
            JobInfo info = jobs.stream().filter(j -> j.id().equals(original.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("job " + original.id() + " not listed: " + jobs));
            assertEquals("reattach", info.name());
            assertEquals(JobState.COMPLETED, info.state());
            assertEquals(1_000, info.progress().total());
            assertEquals(1_000, info.progress().done());
            assertNotNull(info.submitted());
            assertTrue(memberUuids().contains(info.topDriver()), "top driver " + info.topDriver());
        }
    }

    @Test
    void whenUnknownIdIsLookedUp_thenJobIsEmpty() {
        // given
        List<GridNode> nodes = startCluster(2);

        // when
        Optional<JobHandle<?>> unknown = nodes.get(1).job(JobId.newId());

        // then
        assertEquals(Optional.empty(), unknown);
    }

    @Test
    void whenJobIdIsPrintedAndParsed_thenItRoundTrips() {
        // given
        JobId id = JobId.newId();

        // when
        JobId parsed = JobId.parse(id.toString());

        // then
        assertEquals(id, parsed);
        assertEquals(id.hashCode(), parsed.hashCode());
    }
}
