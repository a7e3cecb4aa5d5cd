package dev.canopy.grid;

import dev.canopy.grid.internal.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Idle members steal queued leaves, and a leaf that cannot move does not stall them. A leaf can
 * move only once its record is durable; the one leaf of a one-leaf job, queued on the member that
 * submitted (and drives) it, has no record at all (see SmallJobTest), so it never can.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkStealingTest extends GridTestSupport {

    /**
     * The stall once reported: a 1,000-task job took 55 s instead of 2.5 s, as every steal request
     * picked the same unmovable leaf and put it back. Here that leaf is where a thief looks first,
     * the back of the busy member's queue (its job has a lower priority than the big job), and the
     * busy member's one worker stays blocked until the big job is done, so the big job completes
     * only if the idle member takes every leaf queued on the busy one but that leaf.
     */
    @Test
    void whenAnUnmovableLeafIsQueuedOnABusyMember_thenAnIdleMemberStealsTheLeavesAroundItAndItStillRuns() {
        // given: two members of one worker thread each; a's worker is held by a one-leaf job
        List<GridNode> nodes = startCluster(2, 1);
        GridNode a = nodes.get(0);
        UUID idle = nodes.get(1).memberId();
        String run = newRunId();
        String hold = run + ":hold";
        JobHandle<Long> holding = a.submit(Job.range(0, 1, (i, ctx) -> TestTasks.awaitLatch(hold, i))
                .reduce(Reducers.sumLong()).name("holding").build());
        awaitTrue("the holding task to start", () -> TestTasks.count(hold + ":started") == 1);
        // a one-leaf job of a's, which cannot move, queued behind the holding one
        String unmovableRan = run + ":unmovable";
        JobHandle<Long> unmovable = a.submit(Job.range(0, 1, (i, ctx) -> {
            TestTasks.recordMember(unmovableRan, TestTasks.localMember(ctx));
            return 7L;
        }).reduce(Reducers.sumLong()).name("unmovable").priority(-1).build());
        awaitTrue("member a to report one busy worker and one queued leaf", () -> a.topology().members().stream()
                .anyMatch(m -> m.uuid().equals(a.memberId()) && m.busy() == 1 && m.queuedLeaves() == 1));

        // when: a job of 40 leaves of 10 tasks, 20 of them planned on a (fan-out 32: leaves straight
        // under a's share)
        String bigRanOn = run + ":big";
        int n = 400;
        JobHandle<Long> big = a.submit(Job.range(0, n, (i, ctx) -> {
            TestTasks.recordMember(bigRanOn, TestTasks.localMember(ctx));
            return i;
        }).reduce(Reducers.sumLong()).name("big").leafSize(10).fanOut(32).build());
        long sum = await(big.result());

        // then: the exact result, every task run by the idle member (a's worker never came free), and
        // the unmovable leaf still waiting on a
        assertEquals(TestTasks.sumBelow(n), sum);
        assertEquals(Set.of(idle), Set.copyOf(TestTasks.members(bigRanOn)), "members that ran the big job's tasks");
        Engine engineOfA = Engine.of(a.hazelcast());
        assertNotNull(engineOfA, "engine of member a");
        assertEquals(20, engineOfA.stolenLeaves(), "leaves member a gave away");
        assertEquals(List.of(), TestTasks.members(unmovableRan), "members that ran the unmovable leaf so far");

        // and when a's worker comes free, the unmovable leaf runs there
        TestTasks.latch(hold).countDown();
        assertEquals(0L, await(holding.result()));
        assertEquals(7L, await(unmovable.result()));
        assertEquals(List.of(a.memberId()), TestTasks.members(unmovableRan));
        assertEquals(1, TestTasks.count(hold + ":started"), "runs of the holding task");
    }
}
