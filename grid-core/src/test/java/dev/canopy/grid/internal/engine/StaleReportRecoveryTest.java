package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.Piece.Partial;
import dev.canopy.grid.internal.store.UserValue;
import dev.canopy.grid.recovery.ExactlyOnce;
import dev.canopy.grid.recovery.RecoveryTestSupport;
import dev.canopy.grid.recovery.Tally;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report from a stale attempt is refused: a commit carries the attempt and the assignee it was
 * given, and {@link Processors.Commit} accepts it only while both are current and the sub-job is not
 * done, so a member that lost its work (suspected, removed, slow) can never overwrite or double the
 * work of the member that took over.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaleReportRecoveryTest extends RecoveryTestSupport {

    private static final String SUBJOBS = "canopy.subjobs";

    @Test
    void whenCommitCarriesAnOlderAttemptOrAnotherAssignee_thenItIsRefusedAndTheRecordIsUnchanged() {
        // given: a leaf record at attempt 2, running on member A (attempt 1 ran on member B)
        GridNode node = startCluster(1, 1).get(0);
        IMap<SubJobKey, SubJobRecord> subjobs = node.hazelcast().getMap(SUBJOBS);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID driver = UUID.randomUUID();
        SubJobRecord running = SubJobRecord.builder("synthetic-job", "0.3").parentPath("0").leaf(true)
                .slice(new Slice.IndexSlice(30, 40)).group(List.of(a)).assignee(a).reportTo(driver).attempt(2)
                .state(SubJobState.RUNNING).leafSize(10).updatedMillis(1_000L).build();
        subjobs.set(running.key(), running);
        List<Piece> outcome = List.of(new Partial(45L));
        AttemptId attempt1 = new AttemptId(1, 1);
        AttemptId attempt2 = new AttemptId(1, 2);

        // when: the old attempt reports, then a member that is not the assignee reports the current attempt
        UUID fromOldAttempt = subjobs.executeOnKey(running.key(), new Processors.Commit(attempt1, b, 10, outcome));
        SubJobRecord afterOldAttempt = subjobs.get(running.key());
        UUID fromOtherMember = subjobs.executeOnKey(running.key(), new Processors.Commit(attempt2, b, 10, outcome));
        SubJobRecord afterOtherMember = subjobs.get(running.key());
        subjobs.executeOnKey(running.key(), new Processors.MarkRunning(attempt1, b));
        SubJobRecord afterOldMarkRunning = subjobs.get(running.key());

        // then: both are refused and change nothing
        assertNull(fromOldAttempt, "commit of attempt 1 when attempt 2 is current");
        assertEquals(running, afterOldAttempt, "record after the stale commit");
        assertNull(fromOtherMember, "commit of attempt 2 by a member it is not assigned to");
        assertEquals(running, afterOtherMember, "record after the commit from another member");
        assertEquals(running, afterOldMarkRunning, "record after a stale MarkRunning");

        // and when: the current attempt commits, and then commits again (a duplicate report)
        UUID reportTo = subjobs.executeOnKey(running.key(), new Processors.Commit(attempt2, a, 10, outcome));
        SubJobRecord committed = subjobs.get(running.key());
        UUID duplicate = subjobs.executeOnKey(running.key(),
                new Processors.Commit(attempt2, a, 10, List.of(new Partial(99L))));

        // then: the first is accepted (and names the driver to report to), the duplicate refused,
        // and the first outcome stays
        assertEquals(driver, reportTo, "commit of the current attempt by its assignee");
        assertEquals(SubJobState.DONE, committed.state());
        assertEquals(outcome, committed.outcome());
        assertNull(duplicate, "a second commit of a done sub-job");
        assertEquals(committed, subjobs.get(running.key()), "record after the duplicate commit");
    }

    @Test
    void whenLeafIsReassignedWhileRunning_thenTheOldAttemptsReportIsRefusedAndEachTaskCountsOnce() {
        // given: three members and a job whose task 150 waits, on its first run, until released
        List<GridNode> nodes = startCluster(3, 1);
        int n = 400;
        Run run = newRun(n);
        run.probe().holdFirstRun(150);
        JobHandle<Tally> handle = nodes.get(0).submit(job(run.id(), n, 1_000, 2, 20, new ExactlyOnce()));
        awaitTrue("task 150 to be held", () -> run.probe().heldOn() != null);
        UUID first = run.probe().heldOn();
        SubJobRecord leaf = awaitInTree("the record of the held leaf to say RUNNING", handle, tree -> tree.leaves()
                .stream()
                .filter(l -> contains(l, 150) && l.assignee().equals(first) && l.state() == SubJobState.RUNNING)
                .findFirst().orElse(null));
        GridNode second = liveNodes().stream().filter(m -> !m.memberId().equals(first)).findFirst().orElseThrow();
        IMap<SubJobKey, SubJobRecord> subjobs = second.hazelcast().getMap(SUBJOBS);

        // when: the leaf is re-assigned to another member (as a driver does when it takes its member
        // for gone), and the old attempt then reports
        SubJobRecord moved = subjobs.executeOnKey(leaf.key(),
                new Processors.Reassign(leaf.attemptId(), second.memberId(), leaf.reportTo()));
        UUID stale = subjobs.executeOnKey(leaf.key(),
                new Processors.Commit(leaf.attemptId(), first, leaf.slice().size(), List.of(new Partial(0L))));

        // then: the report of the old attempt is refused and leaves the record as the re-assignment wrote it
        assertEquals(leaf.attempt() + 1, moved.attempt(), "attempt after the re-assignment");
        assertEquals(second.memberId(), moved.assignee());
        assertNull(stale, "commit of the old attempt " + leaf.attempt());
        assertEquals(moved, subjobs.get(leaf.key()), "record after the stale commit");

        // and when: the old run finishes its leaf (its own commit is stale too) and the new attempt runs;
        // every write of the leaf's record is watched, as its committed outcome is dropped once the job ends
        List<SubJobRecord> writes = new CopyOnWriteArrayList<>();
        subjobs.addEntryListener((EntryUpdatedListener<SubJobKey, SubJobRecord>) e -> writes.add(e.getValue()),
                leaf.key(), true);
        run.probe().release();
        long last = ((Slice.IndexSlice) leaf.slice()).to() - 1;
        awaitTrue("the old run to reach the leaf's last task", () -> first.equals(run.probe().lastRanOn(last)));
        Engine.of(second.hazelcast()).dispatch(moved);

        // then: the exact result, each task counted once, and the leaf's committed outcome is the new attempt's
        Tally tally = result(handle.result());
        assertCountedOnce(tally, n);
        awaitTrue("the leaf's commit seen", () -> writes.stream().anyMatch(r -> r.outcome() != null));
        SubJobRecord done = writes.stream().filter(r -> r.outcome() != null).findFirst().orElseThrow();
        assertEquals(SubJobState.DONE, done.state(), "state of the re-assigned leaf");
        assertTrue(done.attempt() >= moved.attempt(), "attempt that committed the leaf: " + done.attempt());
        assertNotEquals(first, done.assignee(), "member that committed the leaf");
        Partial partial = assertInstanceOf(Partial.class, done.outcome().get(0));
        // a job's values are committed as bytes Canopy decodes itself (UserValue), whatever their class
        UserValue committed = assertInstanceOf(UserValue.class, partial.value());
        Tally leafTally = assertInstanceOf(Tally.class, Codec.deserialize(committed.bytes(), Tally.class.getClassLoader()));
        assertEquals(leaf.slice().size(), leafTally.count(), "tasks in the leaf's committed outcome");
        assertEquals(0, leafTally.ranOn(first), "runs of the old attempt counted in the leaf's outcome: "
                + leafTally.perMember());
        assertTrue(run.probe().runs(150) >= 2, "task 150 ran on both attempts: " + run.probe().runs(150));
        awaitTrue("the job's partials dropped", () -> subjobs.get(leaf.key()).outcome() == null);
        SubJobRecord ended = subjobs.get(leaf.key());
        assertEquals(done.toBuilder().outcome(null).build(), ended, "the committed record, less its partial");
        assertNull(subjobs.executeOnKey(leaf.key(), new Processors.Commit(leaf.attemptId(), first, 0, List.of())),
                "a late commit of the old attempt after the job ended");
        assertEquals(ended, subjobs.get(leaf.key()), "record after the late commit");
    }

    private static boolean contains(SubJobRecord leaf, long index) {
        return leaf.slice() instanceof Slice.IndexSlice s && s.from() <= index && index < s.to();
    }
}
