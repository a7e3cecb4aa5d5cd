package dev.canopy.grid.recovery;

import com.hazelcast.internal.partition.PartitionReplica;
import com.hazelcast.test.Accessors;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member dies mid-job at each level of the tree (a worker, a sub-driver, the top driver, the
 * submitter, two members at once, a driver while it reduces): the job still completes with the
 * exact result, and {@link ExactlyOnce} proves that every task was counted exactly once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MemberLossRecoveryTest extends RecoveryTestSupport {

    /** Six members, fan-out 2: 2000 tasks per member, in leaves of about 63 tasks of 2 ms. */
    private static final int TASKS = 12_000;
    private static final int LEAF_SIZE = 100;
    private static final long TASK_MICROS = 2_000;

    @Test
    void whenWorkerIsKilledMidJob_thenResultIsExactAndItsLeafRunsAgainWithANewAttempt() {
        // given: six members, fan-out 2, and leaves of 1000 tasks (2 s each) sized so that every member
        // gets exactly one leaf, and two members do nothing but run that leaf (pure workers)
        GridNode submitter = startCluster(6, 1).get(0);
        int n = 6_000;
        Run run = newRun(n);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), n, TASK_MICROS, 2, 1_100, new ExactlyOnce()));

        // when: a member that only runs a leaf (drives nothing, is neither top driver nor submitter)
        // has run part of its leaf, it is killed
        UUID victim = awaitInTree("a pure worker to be half-way through its leaf", handle, tree -> {
            Set<UUID> drivers = tree.driverAssignees();
            for (SubJobRecord leaf : tree.leaves()) {
                UUID member = leaf.assignee();
                if (leaf.state() == SubJobState.RUNNING && !drivers.contains(member)
                        && !member.equals(tree.topDriver()) && !member.equals(submitter.memberId())
                        && run.probe().runsOn(member) >= 100) {
                    return member;
                }
            }
            return null;
        });
        List<String> victimsLeaves = unfinishedLeavesOf(tree(handle.id()), victim);
        assertFalse(victimsLeaves.isEmpty(), "the victim has an unfinished leaf when it is killed");
        kill(victim);

        // then: the exact result, every task counted once, and the victim's leaf ran again elsewhere
        Tally tally = result(handle.result());
        assertCountedOnce(tally, n);
        assertEquals(0, tally.ranOn(victim), "tasks counted from the killed worker");
        assertTrue(handle.progress().retried() > 0, "retried tasks in " + handle.progress());
        Tree after = tree(handle.id());
        for (String path : victimsLeaves) {
            SubJobRecord leaf = after.get(path);
            assertNotNull(leaf, "record of leaf " + path);
            assertEquals(SubJobState.DONE, leaf.state(), "state of leaf " + path);
            assertTrue(leaf.attempt() > 1, "attempt of the killed worker's leaf " + path + ": " + leaf.attempt());
            assertNotEquals(victim, leaf.assignee(), "final assignee of leaf " + path);
            long first = ((Slice.IndexSlice) leaf.slice()).from();
            assertEquals(2, run.probe().runs(first), "runs of task " + first + ": on the killed worker, then once more");
        }
    }

    @Test
    void whenSubDriverIsKilledMidJob_thenResultIsExactAndItsLiveChildrenAreAdopted() {
        // given: six members, fan-out 2, leaves of about 63 tasks
        GridNode submitter = startCluster(6, 1).get(0);
        Run run = newRun(TASKS);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce()));

        // when: a member driving a sub-job across members (not the top driver, not the submitter) has
        // finished some of its leaves but not all, while a child it delegated to another member is
        // still being driven there, it is killed
        SubJobRecord driven = awaitInTree("a sub-driver half-way through its leaves", handle, tree -> {
            List<SubJobRecord> candidates = tree.innerDrivers().stream()
                    .filter(r -> r.group().size() > 1 && r.state() != SubJobState.DONE)
                    .filter(r -> !r.assignee().equals(tree.topDriver()) && !r.assignee().equals(submitter.memberId()))
                    .sorted(Comparator.comparingInt((SubJobRecord r) -> r.group().size()).reversed())
                    .toList();
            for (SubJobRecord r : candidates) {
                List<SubJobRecord> own = tree.leaves().stream().filter(l -> l.assignee().equals(r.assignee())).toList();
                boolean someDone = own.stream().anyMatch(l -> l.state() == SubJobState.DONE);
                boolean someLeft = own.stream().filter(l -> l.state() != SubJobState.DONE).count() >= 4;
                List<SubJobRecord> children = tree.children(r);
                boolean liveChildDriving = children != null && children.stream().anyMatch(c -> !c.leaf()
                        && !c.assignee().equals(r.assignee()) && c.state() != SubJobState.DONE);
                if (someDone && someLeft && liveChildDriving) {
                    return r;
                }
            }
            return null;
        });
        UUID victim = driven.assignee();
        Tree before = tree(handle.id());
        Map<String, SubJobRecord> liveChildDrivers = before.children(before.get(driven.path())).stream()
                .filter(c -> !c.leaf() && !c.assignee().equals(victim) && c.state() != SubJobState.DONE)
                .collect(Collectors.toMap(SubJobRecord::path, Function.identity()));
        assertFalse(liveChildDrivers.isEmpty(), "children of " + driven.path() + " driven by other members");
        kill(victim);

        // then: the exact result, counted once; the sub-job moved to a live member with a new attempt,
        // and its children driven by live members were adopted, not re-run
        Tally tally = result(handle.result());
        assertCountedOnce(tally, TASKS);
        Tree after = tree(handle.id());
        SubJobRecord moved = after.get(driven.path());
        assertEquals(SubJobState.DONE, moved.state(), "state of the killed sub-driver's sub-job " + driven.path());
        assertTrue(moved.attempt() > driven.attempt(), "attempt of sub-job " + driven.path() + ": " + moved.attempt());
        assertTrue(isLive(moved.assignee()), "final driver of " + driven.path() + " is live: " + moved.assignee());
        for (SubJobRecord child : liveChildDrivers.values()) {
            SubJobRecord now = after.get(child.path());
            assertEquals(child.attempt(), now.attempt(), "attempt of adopted child " + child.path());
            assertEquals(child.assignee(), now.assignee(), "driver of adopted child " + child.path());
        }
    }

    @Test
    void whenTopDriverIsKilledMidJob_thenSubmittersHandleCompletesWithExactResult() {
        // given: six members; a job submitted from a member that is not its top driver
        spreadTopDrivers();
        GridNode submitter = startCluster(6, 1).get(0);
        Run[] run = new Run[1];
        JobHandle<Tally> handle = submitDrivenElsewhere(submitter, () -> {
            run[0] = newRun(TASKS);
            return job(run[0].id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce());
        });
        UUID topDriver = awaitTopDriver(handle.id());

        // when: some leaves are done, the top driver is killed
        awaitMidJob(handle);
        kill(topDriver);

        // then: the submitter's handle completes with the exact result; a live member drives the job now
        Tally tally = result(handle.result());
        assertCountedOnce(tally, TASKS);
        JobRecord record = jobRecord(handle.id());
        assertNotEquals(topDriver, record.topDriver(), "top driver after the kill");
        assertTrue(isLive(record.topDriver()), "the new top driver " + record.topDriver() + " is a live member");
        SubJobRecord root = tree(handle.id()).get(SubJobKey.ROOT);
        assertEquals(record.topDriver(), root.assignee(), "driver of the root sub-job");
        assertTrue(root.attempt() > 1, "attempt of the root after the takeover: " + root.attempt());
    }

    @Test
    void whenSubmitterIsKilledMidJob_thenAnotherMembersHandleGetsExactResult() {
        // given: six members; a job submitted from a member that is not its top driver, and a handle
        // to it on another member
        spreadTopDrivers();
        List<GridNode> nodes = startCluster(6, 1);
        GridNode submitter = nodes.get(0);
        GridNode watcher = nodes.get(1);
        Run[] run = new Run[1];
        JobHandle<Tally> handle = submitDrivenElsewhere(submitter, () -> {
            run[0] = newRun(TASKS);
            return job(run[0].id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce());
        });
        JobHandle<?> watched = watcher.job(handle.id()).orElseThrow();

        // when: some leaves are done, the submitter is killed
        awaitMidJob(handle);
        kill(submitter.memberId());

        // then: the job keeps running and the other member's handle gets the exact result
        Tally tally = (Tally) result(watched.result());
        assertCountedOnce(tally, TASKS);
        JobHandle<?> late = liveNodes().get(0).job(handle.id()).orElseThrow();
        assertCountedOnce((Tally) result(late.result()), TASKS);
    }

    @Test
    void whenMemberRunningItsOwnOneLeafJobIsKilled_thenTheJobRunsAgainElsewhereOnce() {
        // given: three members; a job small enough for one leaf, which its submitter drives and runs
        // without writing sub-job records; its only task waits on its first run
        List<GridNode> nodes = startCluster(3, 1);
        GridNode submitter = nodes.get(0);
        UUID submitterId = submitter.memberId();
        Run run = newRun(1);
        run.probe().holdFirstRun(0);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), 1, 0, 2, 1, new ExactlyOnce()));
        awaitTrue("the task to run and be held", () -> run.probe().heldOn() != null);
        assertEquals(submitterId, run.probe().heldOn(), "member running the one-leaf job");
        assertEquals(submitterId, awaitTopDriver(handle.id()), "top driver of the job");
        assertTrue(tree(handle.id()).records().isEmpty(), "sub-job records of a one-leaf job: " + tree(handle.id()).records());
        JobHandle<?> watched = nodes.get(1).job(handle.id()).orElseThrow();

        // when: the submitter, which drives and runs it, is killed
        kill(submitterId);

        // then: another member takes the job over, runs the task again, and the handle elsewhere gets it once
        Tally tally = (Tally) result(watched.result());
        assertCountedOnce(tally, 1);
        assertEquals(2, run.probe().runs(0), "runs of the task: the killed member's, then one more");
        JobRecord record = jobRecord(handle.id());
        assertNotEquals(submitterId, record.topDriver(), "top driver after the kill");
        assertTrue(isLive(record.topDriver()));
        run.probe().release();
    }

    @Test
    void whenTwoMembersAreKilledAtOnceWithBackupCountTwo_thenResultIsExact() {
        // given: six members with two backups; the victims are the top driver and the member holding
        // the first backup of the job's partition, so only the second backup keeps the records
        GridNode submitter = startCluster(6, 2).get(0);
        Run run = newRun(TASKS);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), TASKS, TASK_MICROS, 2, LEAF_SIZE, new ExactlyOnce()));
        UUID topDriver = awaitTopDriver(handle.id());
        UUID firstBackup = replicaOfJobPartition(handle.id(), 1);
        assertNotEquals(topDriver, firstBackup, "owner and first backup of the job's partition");
        GridNode watcher = liveNodes().stream()
                .filter(n -> !n.memberId().equals(topDriver) && !n.memberId().equals(firstBackup))
                .findFirst().orElseThrow();
        JobHandle<?> watched = watcher.job(handle.id()).orElseThrow();

        // when: some leaves are done, both are killed at the same moment
        awaitMidJob(handle);
        kill(topDriver, firstBackup);

        // then: the exact result, counted once, driven to the end by a live member
        Tally tally = (Tally) result(watched.result());
        assertCountedOnce(tally, TASKS);
        JobRecord record = jobRecord(handle.id());
        assertTrue(isLive(record.topDriver()), "the new top driver " + record.topDriver() + " is a live member");
    }

    @Test
    void whenDriverIsKilledWhileReducing_thenResultIsExact() {
        // given: five members, leaves of 50 tasks, and a reducer whose combine (run by drivers only)
        // takes 60 ms
        GridNode submitter = startCluster(5, 1).get(0);
        int n = 3_000;
        Run run = newRun(n);
        JobHandle<Tally> handle = submitter.submit(job(run.id(), n, 1_000, 2, 50, new ExactlyOnce(60)));

        // when: a sub-job all of whose children are done, so its driver is combining their partials
        // now, is driven by a member other than the top driver and the submitter, that member is killed
        SubJobRecord reducing = awaitInTree("a driver combining its children's partials", handle, tree -> {
            for (SubJobRecord r : tree.innerDrivers()) {
                if (r.state() == SubJobState.DONE || r.children() == 0 || r.assignee().equals(tree.topDriver())
                        || r.assignee().equals(submitter.memberId())) {
                    continue;
                }
                List<SubJobRecord> children = tree.children(r);
                if (children != null && children.stream().allMatch(c -> c.state() == SubJobState.DONE)) {
                    return r;
                }
            }
            return null;
        });
        kill(reducing.assignee());

        // then: the exact result, counted once
        Tally tally = result(handle.result());
        assertCountedOnce(tally, n);
        SubJobRecord after = tree(handle.id()).get(reducing.path());
        assertEquals(SubJobState.DONE, after.state(), "state of " + reducing.path());
        assertTrue(isLive(after.assignee()), "final driver of " + reducing.path() + " is live: " + after.assignee());
    }

    // ------------------------------------------------------------------------------------ helpers

    /** Waits until at least one leaf is done and less than half of the tasks are. */
    private void awaitMidJob(JobHandle<Tally> handle) {
        awaitInTree("the job to be under way", handle, tree -> {
            long done = tree.doneTasks();
            boolean leafDone = tree.leaves().stream().anyMatch(l -> l.state() == SubJobState.DONE);
            return leafDone && done < TASKS / 2 ? Boolean.TRUE : null;
        });
    }

    private static List<String> unfinishedLeavesOf(Tree tree, UUID member) {
        return tree.leaves().stream()
                .filter(l -> l.assignee().equals(member) && l.state() != SubJobState.DONE)
                .map(SubJobRecord::path)
                .toList();
    }

    /** The member holding replica {@code index} (0 = owner, 1 = first backup) of the job's partition. */
    private UUID replicaOfJobPartition(JobId id, int index) {
        GridNode any = liveNodes().get(0);
        int partitionId = any.hazelcast().getPartitionService().getPartition(id.toString()).getPartitionId();
        PartitionReplica replica = Accessors.getPartitionService(any.hazelcast()).getPartition(partitionId)
                .getReplica(index);
        assertNotNull(replica, "replica " + index + " of partition " + partitionId);
        return replica.uuid();
    }
}
