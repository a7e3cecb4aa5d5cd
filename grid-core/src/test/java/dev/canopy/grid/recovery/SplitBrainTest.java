package dev.canopy.grid.recovery;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobState;
import dev.canopy.grid.LogCapture;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.hazelcast.test.HazelcastTestSupport.closeConnectionBetween;
import static com.hazelcast.test.HazelcastTestSupport.suspectMember;
import static com.hazelcast.test.SplitBrainTestSupport.blockCommunicationBetween;
import static com.hazelcast.test.SplitBrainTestSupport.unblockCommunicationBetween;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split-brain rule on an in-JVM cluster of five (Hazelcast's mock network, which can cut links
 * and heal them): with {@code minClusterSize} 3, the side of three finishes a job exactly, the side
 * of two pauses (refuses submits, commits nothing), and after the heal the two merge back under new
 * member ids and get work again. Each job ends once, with every task counted once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SplitBrainTest extends RecoveryTestSupport {

    private static final int TASKS = 6_000;
    private static final int LEAF_SIZE = 50;
    private static final long TASK_MICROS = 3_000;

    private final LogCapture log = new LogCapture();

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void whenThreeTwoSplitHitsAJobSubmittedOnTheThreeSide_thenItCompletesOnceAndTheTwoRejoinUnderNewIds() {
        // given: five members that need three; backups on two others, so a side of three keeps every record
        requireMembers(3);
        List<GridNode> nodes = startCluster(5, 2);
        List<GridNode> three = nodes.subList(0, 3);
        List<GridNode> two = nodes.subList(3, 5);
        Run run = newRun(TASKS);
        JobHandle<Tally> handle = three.get(0).submit(job(run.id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce()));
        awaitTrue("tasks to run on the side of two", () -> run.probe().runsOn(two.get(0).memberId()) > 0);
        Set<UUID> twoIds = Set.of(two.get(0).memberId(), two.get(1).memberId());

        // when
        split(three, two);

        // then: the side of three completes the job; the side of two refuses a submit, saying why
        Tally tally = result(handle.result());
        assertCountedOnce(tally, TASKS);
        RetriableGridException refused = assertThrows(RetriableGridException.class,
                () -> two.get(0).submit(job(newRun(10).id(), 10, 0, 2, 5, new ExactlyOnce())));
        assertTrue(refused.getMessage().contains("fewer than minClusterSize 3 (a network split?)"), refused.getMessage());

        // when: the network heals
        heal(three, two);

        // then: the two merged back as new members, their engines run again, and a new job reaches all five
        awaitTrue("the side of two to merge back", () -> two.stream().allMatch(n -> n.hazelcast().getCluster()
                .getMembers().size() == 5));
        for (GridNode node : two) {
            assertFalse(twoIds.contains(node.memberId()), "member " + node.memberId() + " has a new id");
        }
        for (UUID id : twoIds) {
            // one line per merge: a member unblocked before the other may merge alone, then again with it
            assertFalse(log.linesFrom("Canopy member " + id + " was split from the cluster and is merging back into it")
                    .isEmpty(), "member " + id + " said it merged back");
        }
        Run after = newRun(2_000);
        Tally again = result(two.get(1).submit(job(after.id(), 2_000, 500, 2, 20, new ExactlyOnce())).result());
        assertCountedOnce(again, 2_000);
        assertEquals(JobState.COMPLETED, handle.state());
        for (SubJobRecord r : tree(handle.id()).records()) {
            assertEquals(SubJobState.DONE, r.state(), "sub-job " + r.path() + " after the merge");
        }
    }

    @Test
    void whenSplitIsolatesTheTopDriver_thenTheBiggerSideFinishesTheJobAndTheDriversHandleGetsItAfterTheHeal() {
        // given: the job's top driver (its submitter) is on the side of two
        requireMembers(3);
        List<GridNode> nodes = startCluster(5, 2);
        List<GridNode> three = nodes.subList(0, 3);
        List<GridNode> two = nodes.subList(3, 5);
        Run run = newRun(TASKS);
        JobHandle<Tally> handle = two.get(0).submit(job(run.id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce()));
        UUID driver = awaitTopDriver(handle.id());
        assertEquals(two.get(0).memberId(), driver);
        awaitTrue("tasks to run on the side of three", () -> run.probe().runsOn(three.get(0).memberId()) > 0);

        // when
        split(three, two);

        // then: a member of the side of three takes the job over and completes it
        JobHandle<?> seen = three.get(1).job(handle.id()).orElseThrow();
        Tally tally = (Tally) result(seen.result());
        assertCountedOnce(tally, TASKS);
        assertNotEquals(driver, jobRecord(handle.id()).topDriver());
        assertFalse(handle.result().isDone(), "the isolated driver's side wrote no end");

        // when
        heal(three, two);

        // then: the submitter's own handle gets the same result once its member merged back
        Tally late = result(handle.result());
        assertEquals(tally.count(), late.count());
        assertEquals(tally.sum(), late.sum());
    }

    private static void split(List<GridNode> left, List<GridNode> right) {
        for (GridNode a : left) {
            for (GridNode b : right) {
                HazelcastInstance x = a.hazelcast();
                HazelcastInstance y = b.hazelcast();
                blockCommunicationBetween(x, y);
                closeConnectionBetween(x, y);
                suspectMember(x, y);
                suspectMember(y, x);
            }
        }
        awaitTrue("the split", () -> left.stream().allMatch(n -> n.hazelcast().getCluster().getMembers().size()
                == left.size()) && right.stream().allMatch(n -> n.hazelcast().getCluster().getMembers().size()
                == right.size()));
    }

    private static void heal(List<GridNode> left, List<GridNode> right) {
        for (GridNode a : left) {
            for (GridNode b : right) {
                unblockCommunicationBetween(a.hazelcast(), b.hazelcast());
            }
        }
    }
}
