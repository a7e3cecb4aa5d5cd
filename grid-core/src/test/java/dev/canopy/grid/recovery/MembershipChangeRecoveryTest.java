package dev.canopy.grid.recovery;

import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.internal.engine.Engine;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Members come and go without a crash: members that join mid-job get work, idle members steal
 * queued leaves from a slow one, and a member that leaves cleanly hands its work over without
 * anything being run twice. Every result is exact and counted exactly once ({@link ExactlyOnce}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MembershipChangeRecoveryTest extends RecoveryTestSupport {

    @Test
    void whenTwoMembersJoinMidJob_thenTheyRunTasksAndResultIsExact() {
        // given: a job on two members: 240 leaves of 10 tasks of 10 ms, about 6 s of work on their
        // four worker threads
        List<GridNode> nodes = startCluster(2, 1);
        int n = 2_400;
        Run run = newRun(n);
        JobHandle<Tally> handle = nodes.get(0).submit(job(run.id(), n, 10_000, 2, 10, new ExactlyOnce()));
        awaitInTree("the first leaf to finish", handle,
                tree -> tree.leaves().stream().anyMatch(l -> l.state() == SubJobState.DONE) ? Boolean.TRUE : null);

        // when: two members join
        GridNode joinedFirst = startMember(1);
        GridNode joinedSecond = startMember(1);

        // then: the exact result, counted once, and each new member ran (and was counted for) tasks
        Tally tally = result(handle.result());
        assertCountedOnce(tally, n);
        for (GridNode joined : List.of(joinedFirst, joinedSecond)) {
            assertTrue(tally.ranOn(joined.memberId()) > 0, "tasks counted from the joined member "
                    + joined.memberId() + "; per member: " + tally.perMember());
        }
    }

    @Test
    void whenOneMemberIsTwentyTimesSlower_thenOtherMembersStealItsQueuedLeaves() {
        // given: three members; tasks take 1 ms, but 20 ms on one member that is neither the submitter
        // nor (necessarily) the top driver; each member's share is 30 leaves of 20 tasks
        List<GridNode> nodes = startCluster(3, 1);
        GridNode submitter = nodes.get(0);
        GridNode slow = nodes.get(1);
        int n = 1_800;
        Run run = newRun(n);
        run.probe().slowDown(slow.memberId(), 20);

        // when
        JobHandle<Tally> handle = submitter.submit(job(run.id(), n, 1_000, 2, 20, new ExactlyOnce()));
        Tally tally = result(handle.result());

        // then: the exact result, counted once; the slow member gave leaves away, and leaves first
        // assigned to it (its local sub-tree) finished on other members
        assertCountedOnce(tally, n);
        Engine slowEngine = (Engine) slow.hazelcast().getUserContext().get("canopy.engine");
        assertNotNull(slowEngine, "engine of the slow member");
        assertTrue(slowEngine.stolenLeaves() > 0, "leaves the slow member gave away: " + slowEngine.stolenLeaves());
        Tree tree = tree(handle.id());
        SubJobRecord slowShare = tree.records().stream()
                .filter(r -> r.group().equals(List.of(slow.memberId())))
                .min(Comparator.comparingInt(r -> r.path().length()))
                .orElseThrow(() -> new AssertionError("no sub-job for the slow member alone in " + tree.records()));
        List<SubJobRecord> slowLeaves = tree.under(slowShare.path()).stream().filter(SubJobRecord::leaf).toList();
        long movedAway = slowLeaves.stream().filter(l -> !l.assignee().equals(slow.memberId())).count();
        assertTrue(movedAway > 0, "of " + slowLeaves.size() + " leaves first assigned to the slow member, "
                + movedAway + " finished elsewhere");
        for (SubJobRecord leaf : slowLeaves) {
            if (!leaf.assignee().equals(slow.memberId())) {
                assertTrue(leaf.attempt() > 1, "a moved leaf gets a new attempt: " + leaf.path() + "#" + leaf.attempt());
            }
        }
        Slice.IndexSlice share = assertInstanceOf(Slice.IndexSlice.class, slowShare.slice());
        long ranElsewhere = 0;
        for (long i = share.from(); i < share.to(); i++) {
            if (!slow.memberId().equals(run.probe().lastRanOn(i))) {
                ranElsewhere++;
            }
        }
        assertTrue(ranElsewhere > 0, "tasks of the slow member's share " + share + " run on other members: " + ranElsewhere);
        long countedElsewhere = tally.count() - tally.ranOn(slow.memberId());
        assertTrue(countedElsewhere > n - share.size(), "tasks counted on the fast members: " + countedElsewhere);
    }

    @Test
    void whenSubDriverLeavesGracefullyMidJob_thenNothingRunsTwiceAndResultIsExact() {
        // given: four members, fan-out 2, leaves of about 63 tasks of 2 ms (about 2 s per member)
        GridNode submitter = startCluster(4, 1).get(0);
        int n = 8_000;
        Run run = newRun(n);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), n, 2_000, 2, 100, new ExactlyOnce()));

        // when: a member driving a sub-job across members (neither top driver nor submitter) has
        // finished some of its leaves and has others queued, its node closes; its Hazelcast stays
        UUID leaver = awaitInTree("a sub-driver with done and queued leaves", handle, tree -> {
            for (SubJobRecord r : tree.innerDrivers()) {
                UUID member = r.assignee();
                if (r.group().size() < 2 || member.equals(tree.topDriver()) || member.equals(submitter.memberId())) {
                    continue;
                }
                List<SubJobRecord> own = tree.leaves().stream().filter(l -> l.assignee().equals(member)).toList();
                boolean someDone = own.stream().anyMatch(l -> l.state() == SubJobState.DONE);
                long queued = own.stream().filter(l -> l.state() == SubJobState.ASSIGNED).count();
                if (someDone && queued >= 4) {
                    return member;
                }
            }
            return null;
        });
        long ranBeforeLeaving = run.probe().runsOn(leaver);
        closeGracefully(leaver);
        long ranOnLeaver = run.probe().runsOn(leaver);

        // then: the exact result, counted once; no task ran twice, and what ran on the leaver counted
        Tally tally = result(handle.result());
        assertCountedOnce(tally, n);
        assertEquals(List.of(), run.probe().ranMoreThanOnce(10), "task indices that ran more than once");
        assertTrue(ranBeforeLeaving > 0, "tasks run on the leaving member before it left");
        assertEquals(ranOnLeaver, tally.ranOn(leaver), "tasks the leaver ran that were counted");
        assertEquals(ranOnLeaver, run.probe().runsOn(leaver), "tasks run on the leaver after it closed");
    }
}
