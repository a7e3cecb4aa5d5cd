package dev.canopy.grid.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entry processors run on plain map entries, as a partition thread would run them: what each
 * writes and returns, and what it refuses. They stamp records with the wall clock, so the
 * assertions compare records with their time set aside and check the time lies within the call.
 */
class ProcessorsTest {

    private static final String JOB = "job-1";
    private static final UUID A = new UUID(0, 0xA);
    private static final UUID B = new UUID(0, 0xB);
    private static final UUID C = new UUID(0, 0xC);
    private static final UUID DRIVER = new UUID(0, 0xD);
    private static final UUID NEW_DRIVER = new UUID(0, 0xE);
    private static final long EARLIER = 1_000;

    /** Leaf 0.1 of plan 1, on its second run, on A (whose group is A, B, C), reporting to the driver. */
    private static final SubJobRecord LEAF = SubJobRecord.builder(JOB, "0.1").parentPath("0").leaf(true)
            .slice(new IndexSlice(10, 20)).group(List.of(A, B, C)).assignee(A).reportTo(DRIVER).plan(1).attempt(2)
            .state(SubJobState.ASSIGNED).leafSize(10).updatedMillis(EARLIER).reruns(1).build();
    private static final AttemptId CURRENT = LEAF.attemptId();
    private static final List<Piece> OUTCOME = List.of(new Piece.Partial(145L));

    // ---- sub-job records

    @Test
    void whenCurrentAttemptStarts_thenMarkRunningMakesItRunning() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when
        long before = System.currentTimeMillis();
        Void returned = new Processors.MarkRunning(CURRENT, A).process(entry);
        long after = System.currentTimeMillis();

        // then
        assertNull(returned);
        assertWritten(LEAF.toBuilder().state(SubJobState.RUNNING).build(), entry.getValue(), before, after);
    }

    @Test
    void whenAttemptOrAssigneeOrStateIsNotCurrent_thenMarkRunningChangesNothing() {
        // given
        SubJobRecord running = LEAF.withState(SubJobState.RUNNING, EARLIER);
        SubJobRecord done = LEAF.committed(10, OUTCOME, EARLIER);

        // when / then: a stale run, another assignee, a record running already, one done, none at all
        assertUnchanged(LEAF, new Processors.MarkRunning(new AttemptId(1, 1), A));
        assertUnchanged(LEAF, new Processors.MarkRunning(CURRENT, B));
        assertUnchanged(running, new Processors.MarkRunning(CURRENT, A));
        assertUnchanged(done, new Processors.MarkRunning(CURRENT, A));
        assertUnchanged(null, new Processors.MarkRunning(CURRENT, A));
    }

    @Test
    void whenCurrentAttemptCommits_thenTheRecordIsDoneAndTheCommitReturnsWhomToReportTo() {
        // given: running, and adopted meanwhile by a new driver
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF.toBuilder().state(SubJobState.RUNNING)
                .reportTo(NEW_DRIVER).build());

        // when
        long before = System.currentTimeMillis();
        UUID reportTo = new Processors.Commit(CURRENT, A, 10, OUTCOME).process(entry);
        long after = System.currentTimeMillis();

        // then
        assertEquals(NEW_DRIVER, reportTo);
        assertWritten(LEAF.toBuilder().state(SubJobState.DONE).reportTo(NEW_DRIVER).done(10).outcome(OUTCOME).build(),
                entry.getValue(), before, after);
    }

    @Test
    void whenAssignedAttemptCommitsBeforeItWasMarkedRunning_thenTheCommitIsAccepted() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when
        UUID reportTo = new Processors.Commit(CURRENT, A, 10, OUTCOME).process(entry);

        // then
        assertEquals(DRIVER, reportTo);
        assertEquals(SubJobState.DONE, entry.getValue().state());
        assertEquals(OUTCOME, entry.getValue().outcome());
    }

    @Test
    void whenAStaleAttemptOrAnotherMemberCommits_thenTheCommitIsRefused() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when
        UUID olderRun = new Processors.Commit(new AttemptId(1, 1), A, 10, OUTCOME).process(entry);
        UUID otherPlan = new Processors.Commit(new AttemptId(2, 2), A, 10, OUTCOME).process(entry);
        UUID otherMember = new Processors.Commit(CURRENT, B, 10, OUTCOME).process(entry);

        // then
        assertNull(olderRun);
        assertNull(otherPlan);
        assertNull(otherMember);
        assertSame(LEAF, entry.getValue());
    }

    @Test
    void whenTheSameAttemptCommitsTwice_thenOnlyTheFirstIsKept() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);
        new Processors.Commit(CURRENT, A, 10, OUTCOME).process(entry);
        SubJobRecord first = entry.getValue();

        // when
        UUID second = new Processors.Commit(CURRENT, A, 9, List.of(new Piece.Partial(-1L))).process(entry);

        // then
        assertNull(second);
        assertSame(first, entry.getValue());
        assertEquals(10, entry.getValue().done());
        assertEquals(OUTCOME, entry.getValue().outcome());
    }

    @Test
    void whenCommitFindsNoRecord_thenItIsRefused() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(null);

        // when
        UUID reportTo = new Processors.Commit(CURRENT, A, 10, OUTCOME).process(entry);

        // then
        assertNull(reportTo);
        assertNull(entry.getValue());
    }

    @Test
    void whenANewDriverAdopts_thenTheChildReportsToItAndIsReturnedAsItIsNow() {
        // given
        SubJobRecord running = LEAF.withState(SubJobState.RUNNING, EARLIER);
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(running);

        // when
        long before = System.currentTimeMillis();
        SubJobRecord adopted = new Processors.Adopt(NEW_DRIVER).process(entry);
        long after = System.currentTimeMillis();

        // then: only the driver to report to changes
        assertWritten(running.toBuilder().reportTo(NEW_DRIVER).build(), adopted, before, after);
        assertSame(adopted, entry.getValue());
    }

    @Test
    void whenAdoptFindsNoRecord_thenItWritesNothing() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(null);

        // when
        SubJobRecord adopted = new Processors.Adopt(NEW_DRIVER).process(entry);

        // then
        assertNull(adopted);
        assertNull(entry.getValue());
    }

    @Test
    void whenReassigned_thenTheNextRunGoesToTheNewMemberWhoLeadsTheGroup() {
        // given: running on A, which left, with a partial count
        SubJobRecord running = LEAF.toBuilder().state(SubJobState.RUNNING).done(3).build();
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(running);

        // when
        long before = System.currentTimeMillis();
        SubJobRecord moved = new Processors.Reassign(CURRENT, C, NEW_DRIVER).process(entry);
        long after = System.currentTimeMillis();

        // then: run 3, on C, ASSIGNED again, counted as a rerun and, as it ran when A left, as the
        // next attempt of its tasks, tried on A
        SubJobRecord expected = LEAF.toBuilder().group(List.of(C, A, B)).assignee(C).reportTo(NEW_DRIVER).attempt(3)
                .state(SubJobState.ASSIGNED).done(0).reruns(2).taskAttempts(2).triedOn(Set.of(A)).build();
        assertWritten(expected, moved, before, after);
        assertSame(moved, entry.getValue());
    }

    @Test
    void whenAQueuedLeafIsReassigned_thenItsTasksKeepTheirAttempt() {
        // given: assigned to A, which left before the leaf started
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when
        SubJobRecord moved = new Processors.Reassign(CURRENT, C, NEW_DRIVER).process(entry);

        // then
        assertEquals(1, moved.taskAttempts());
        assertNull(moved.triedOn());
    }

    @Test
    void whenItsMemberLeavesWhileTheLeafRuns_thenTheRecordSaysRunningAndNamesTheTask() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when: the assignee, on its way out, and a stale attempt
        new Processors.LeftRunning(CURRENT, LEAF.assignee(), "index 13").process(entry);
        new Processors.LeftRunning(new AttemptId(1, 1), LEAF.assignee(), "index 99").process(entry);

        // then
        assertEquals(SubJobState.RUNNING, entry.getValue().state());
        assertEquals("index 13", entry.getValue().leftRunning());
        assertTrue(entry.getValue().ranWhenMemberLeft());
    }

    @Test
    void whenReassignExpectsAnotherAttemptOrTheChildIsDone_thenItReturnsTheRecordUnchanged() {
        // given
        SubJobRecord done = LEAF.committed(10, OUTCOME, EARLIER);

        // when / then: moved meanwhile (another attempt expected), done, missing
        assertSame(LEAF, assertUnchanged(LEAF, new Processors.Reassign(new AttemptId(1, 1), C, NEW_DRIVER)));
        assertSame(done, assertUnchanged(done, new Processors.Reassign(CURRENT, C, NEW_DRIVER)));
        assertNull(assertUnchanged(null, new Processors.Reassign(CURRENT, C, NEW_DRIVER)));
    }

    @Test
    void whenAQueuedLeafIsStolen_thenTheThiefGetsTheNextRunWithoutARerun() {
        // given
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(LEAF);

        // when
        long before = System.currentTimeMillis();
        SubJobRecord stolen = new Processors.Steal(CURRENT, A, B).process(entry);
        long after = System.currentTimeMillis();

        // then: same driver to report to, same rerun count
        SubJobRecord expected = LEAF.toBuilder().group(List.of(B, A, C)).assignee(B).attempt(3).build();
        assertWritten(expected, stolen, before, after);
        assertSame(stolen, entry.getValue());
    }

    @Test
    void whenTheLeafStartedOrMovedOrIsNotTheVictims_thenStealRefuses() {
        // given
        SubJobRecord running = LEAF.withState(SubJobState.RUNNING, EARLIER);
        SubJobRecord done = LEAF.committed(10, OUTCOME, EARLIER);

        // when / then: started, finished, moved meanwhile, not the victim's, missing
        assertNull(assertUnchanged(running, new Processors.Steal(CURRENT, A, B)));
        assertNull(assertUnchanged(done, new Processors.Steal(CURRENT, A, B)));
        assertNull(assertUnchanged(LEAF, new Processors.Steal(new AttemptId(1, 1), A, B)));
        assertNull(assertUnchanged(LEAF, new Processors.Steal(CURRENT, C, B)));
        assertNull(assertUnchanged(null, new Processors.Steal(CURRENT, A, B)));
    }

    @Test
    void whenADriverPlans_thenSetChildrenRecordsTheCountAndMakesItRunning() {
        // given
        SubJobRecord driver = LEAF.toBuilder().leaf(false).build();
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(driver);

        // when
        long before = System.currentTimeMillis();
        Void returned = new Processors.SetChildren(CURRENT, 7).process(entry);
        long after = System.currentTimeMillis();

        // then
        assertNull(returned);
        assertWritten(driver.toBuilder().children(7).state(SubJobState.RUNNING).build(), entry.getValue(),
                before, after);
    }

    @Test
    void whenTheAttemptIsStaleOrTheDriverDone_thenSetChildrenChangesNothing() {
        // given
        SubJobRecord done = LEAF.committed(10, OUTCOME, EARLIER);

        // when / then: a stale attempt, a driver done, no record
        assertUnchanged(LEAF, new Processors.SetChildren(new AttemptId(1, 1), 7));
        assertUnchanged(done, new Processors.SetChildren(CURRENT, 7));
        assertUnchanged(null, new Processors.SetChildren(CURRENT, 7));
    }

    @Test
    void whenTheTreeEnds_thenTheRootIsDoneAndEveryRecordExpiresWithTheResult() {
        // given
        SubJobRecord root = SubJobRecord.builder(JOB, SubJobKey.ROOT).slice(new IndexSlice(0, 100))
                .group(List.of(DRIVER)).assignee(DRIVER).state(SubJobState.RUNNING).children(4)
                .updatedMillis(EARLIER).build();
        TtlEntry<SubJobKey, SubJobRecord> rootEntry = new TtlEntry<>(root.key(), root);
        TtlEntry<SubJobKey, SubJobRecord> leafEntry = new TtlEntry<>(LEAF.key(), LEAF);

        // when
        long before = System.currentTimeMillis();
        SubJobRecord endedRoot = new Processors.EndTree(60_000).process(rootEntry);
        long after = System.currentTimeMillis();
        SubJobRecord endedLeaf = new Processors.EndTree(60_000).process(leafEntry);

        // then: the root is DONE; a leaf keeps its state; both with the result's time-to-live
        assertWritten(root.toBuilder().state(SubJobState.DONE).build(), endedRoot, before, after);
        assertSame(endedRoot, rootEntry.getValue());
        assertEquals(60_000, rootEntry.ttlMillis);
        assertSame(LEAF, endedLeaf);
        assertSame(LEAF, leafEntry.getValue());
        assertEquals(60_000, leafEntry.ttlMillis);
    }

    @Test
    void whenTheTreeEnds_thenCommittedPartialsAreDroppedAndTheRestKept() {
        // given: a committed leaf
        SubJobRecord done = LEAF.committed(10, OUTCOME, EARLIER);
        TtlEntry<SubJobKey, SubJobRecord> entry = new TtlEntry<>(done.key(), done);

        // when
        SubJobRecord ended = new Processors.EndTree(60_000).process(entry);

        // then
        assertEquals(done.toBuilder().outcome(null).build(), ended);
        assertSame(ended, entry.getValue());
        assertEquals(60_000, entry.ttlMillis);
    }

    @Test
    void whenEndTreeFindsNoRecord_thenItWritesNothing() {
        // given
        TtlEntry<SubJobKey, SubJobRecord> entry = new TtlEntry<>(LEAF.key(), null);

        // when
        SubJobRecord ended = new Processors.EndTree(60_000).process(entry);

        // then
        assertNull(ended);
        assertNull(entry.getValue());
        assertEquals(0, entry.writes);
    }

    @Test
    void whenFilteringByJob_thenOnlyThatJobsRecordsMatch() {
        Processors.OfJob ofJob = new Processors.OfJob(JOB);
        assertTrue(ofJob.apply(entry(LEAF)));
        assertFalse(ofJob.apply(entry(SubJobRecord.builder("job-2", "0.1").build())));
    }

    // ---- job records

    @Test
    void whenTheJobHasNoDriver_thenTakeJobMakesTheCallerItsDriver() {
        // given: a job over a map, whose size was not known when it was submitted
        JobRecord submitted = job(JobState.SUBMITTED, null, 0, -1);
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, submitted);

        // when
        long before = System.currentTimeMillis();
        JobRecord taken = new Processors.TakeJob(A, null, 500).process(entry);
        long after = System.currentTimeMillis();

        // then: RUNNING under A, with the size the driver found and the time it started
        assertSame(taken, entry.getValue());
        assertEquals(JobState.RUNNING, taken.state());
        assertEquals(A, taken.topDriver());
        assertEquals(500, taken.total());
        assertTrue(taken.startedMillis() >= before && taken.startedMillis() <= after, "started " + taken.startedMillis());
        assertJob(job(JobState.RUNNING, A, taken.startedMillis(), 500), taken);
    }

    @Test
    void whenTheDriverItReplacesIsTheJobsDriver_thenTakeJobKeepsTheStartAndTheTotal() {
        // given: running under B since 2000, with 300 tasks
        JobRecord running = job(JobState.RUNNING, B, 2_000, 300);
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, running);

        // when: A replaces B, which left
        JobRecord taken = new Processors.TakeJob(A, B, 999).process(entry);

        // then
        assertJob(job(JobState.RUNNING, A, 2_000, 300), taken);
        assertSame(taken, entry.getValue());
    }

    @Test
    void whenTheJobHasAnotherDriverOrEnded_thenTakeJobRefuses() {
        // given
        JobRecord running = job(JobState.RUNNING, B, 2_000, 300);
        JobRecord completed = job(JobState.COMPLETED, null, 2_000, 300);
        Map.Entry<String, JobRecord> driven = new AbstractMap.SimpleEntry<>(JOB, running);
        Map.Entry<String, JobRecord> ended = new AbstractMap.SimpleEntry<>(JOB, completed);
        Map.Entry<String, JobRecord> missing = new AbstractMap.SimpleEntry<>(JOB, null);

        // when
        JobRecord fromDriven = new Processors.TakeJob(A, C, 300).process(driven);
        JobRecord fromEnded = new Processors.TakeJob(A, null, 300).process(ended);
        JobRecord fromMissing = new Processors.TakeJob(A, null, 300).process(missing);

        // then
        assertNull(fromDriven);
        assertNull(fromEnded);
        assertNull(fromMissing);
        assertSame(running, driven.getValue());
        assertSame(completed, ended.getValue());
        assertNull(missing.getValue());
    }

    @Test
    void whenFailuresPassTheLimit_thenAddFailuresKeepsTheFirstAndCountsThemAll() {
        // given: one slot left
        List<TaskFailure> kept = new ArrayList<>();
        for (int i = 0; i < Processors.MAX_RECORDED_FAILURES - 1; i++) {
            kept.add(failure(i));
        }
        JobRecord running = job(JobState.RUNNING, A, 2_000, 1_000).withFailures(List.copyOf(kept), 250);
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, running);

        // when: three more
        Integer count = new Processors.AddFailures(List.of(failure(500), failure(501), failure(502)), 3)
                .process(entry);

        // then
        List<TaskFailure> expected = new ArrayList<>(kept);
        expected.add(failure(500));
        assertEquals(253, count);
        assertEquals(Processors.MAX_RECORDED_FAILURES, entry.getValue().failures().size());
        assertEquals(expected, entry.getValue().failures());
        assertEquals(253, entry.getValue().failureCount());
        assertJob(running.withFailures(expected, 253), entry.getValue());
    }

    @Test
    void whenFailuresAreFewerThanTheLimit_thenAddFailuresKeepsThemAll() {
        // given
        JobRecord running = job(JobState.RUNNING, A, 2_000, 1_000);
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, running);

        // when
        Integer first = new Processors.AddFailures(List.of(failure(1)), 1).process(entry);
        Integer second = new Processors.AddFailures(List.of(failure(2), failure(3)), 2).process(entry);

        // then
        assertEquals(1, first);
        assertEquals(3, second);
        assertEquals(List.of(failure(1), failure(2), failure(3)), entry.getValue().failures());
        assertEquals(3, entry.getValue().failureCount());
    }

    @Test
    void whenAddFailuresFindsNoRecord_thenItReturnsTheAddedCountAndWritesNothing() {
        // given
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, null);

        // when
        Integer count = new Processors.AddFailures(List.of(failure(1), failure(2)), 2).process(entry);

        // then
        assertEquals(2, count);
        assertNull(entry.getValue());
    }

    @Test
    void whenAJobCompletes_thenFinishStoresItsFinalProgressAndDropsItsSpec() {
        // given: 1000 tasks, 2 failed for good; the tree counted 990 done, 5 retried
        JobRecord running = job(JobState.RUNNING, A, 2_000, 1_000).withFailures(List.of(failure(1), failure(2)), 2);
        TtlEntry<String, JobRecord> entry = new TtlEntry<>(JOB, running);
        ProgressAggregator.Sums tree = new ProgressAggregator.Sums(990, 5, 3, 1_000, 3, 40, 2);

        // when
        long before = System.currentTimeMillis();
        JobRecord ended = new Processors.Finish(JobState.COMPLETED, null, tree, 60_000, true).process(entry);
        long after = System.currentTimeMillis();

        // then: every task counts as done; nothing runs; the failures are kept
        assertSame(ended, entry.getValue());
        assertEquals(JobState.COMPLETED, ended.state());
        assertEquals(new JobProgress(1_000, 1_000, 2, 5, 0, 3, 40), ended.progress());
        assertEquals(List.of(failure(1), failure(2)), ended.failures());
        assertNull(ended.spec());
        assertTrue(ended.finishedMillis() >= before && ended.finishedMillis() <= after, "ended " + ended.finishedMillis());
        assertEquals(60_000, entry.ttlMillis);
        assertEquals(new JobRecord(JOB, "sums", JobState.COMPLETED, B, A, EARLIER, 2_000, ended.finishedMillis(),
                1_000, 3, 0, 5, List.of(failure(1), failure(2)), 2, new JobProgress(1_000, 1_000, 2, 5, 0, 3, 40),
                null), ended);
    }

    @Test
    void whenAJobFailsWithoutATree_thenFinishStoresTheFailuresGivenAndWhatItsRecordCounted() {
        // given: the job ran as one leaf, so it has no tree; 4 tasks failed for good
        JobRecord running = job(JobState.RUNNING, A, 2_000, 50).withFailures(List.of(failure(1)), 4);
        TtlEntry<String, JobRecord> entry = new TtlEntry<>(JOB, running);
        List<TaskFailure> failures = List.of(failure(1), failure(7));

        // when
        JobRecord returned = new Processors.Finish(JobState.FAILED, failures, null, 30_000, false).process(entry);

        // then: nothing returned, as asked; the record ended with what it knew
        assertNull(returned);
        JobRecord ended = entry.getValue();
        assertEquals(JobState.FAILED, ended.state());
        assertEquals(failures, ended.failures());
        assertEquals(4, ended.failureCount());
        assertEquals(new JobProgress(50, 4, 4, 0, 0, 1, 1), ended.progress());
        assertNull(ended.spec());
        assertEquals(30_000, entry.ttlMillis);
    }

    @Test
    void whenTheJobEndedAlready_thenFinishChangesNothing() {
        // given
        JobRecord cancelled = job(JobState.CANCELLED, A, 2_000, 50);
        TtlEntry<String, JobRecord> ended = new TtlEntry<>(JOB, cancelled);
        TtlEntry<String, JobRecord> missing = new TtlEntry<>(JOB, null);

        // when
        JobRecord fromEnded = new Processors.Finish(JobState.COMPLETED, null, null, 60_000, true).process(ended);
        JobRecord fromMissing = new Processors.Finish(JobState.COMPLETED, null, null, 60_000, true).process(missing);

        // then
        assertNull(fromEnded);
        assertNull(fromMissing);
        assertSame(cancelled, ended.getValue());
        assertNull(missing.getValue());
        assertEquals(0, ended.writes + missing.writes);
    }

    @Test
    void whenPeeking_thenTheRecordComesWithoutItsSpecAndStaysStored() {
        // given
        JobRecord running = job(JobState.RUNNING, A, 2_000, 50);
        Map.Entry<String, JobRecord> entry = new AbstractMap.SimpleEntry<>(JOB, running);

        // when
        JobRecord peeked = new Processors.Peek().process(entry);

        // then
        assertNull(peeked.spec());
        assertEquals(running.withSpec(null), peeked);
        assertSame(running, entry.getValue());
        assertArrayEquals(new byte[] {1, 2, 3}, entry.getValue().spec());
        assertNull(new Processors.Peek().process(new AbstractMap.SimpleEntry<>(JOB, null)));
        assertNull(new Processors.Peek().getBackupProcessor());
    }

    // ---- helpers

    private static Map.Entry<SubJobKey, SubJobRecord> entry(SubJobRecord record) {
        return new AbstractMap.SimpleEntry<>(record != null ? record.key() : LEAF.key(), record);
    }

    /**
     * Runs {@code processor} on an entry holding {@code record} ({@code null}: no record), asserts that
     * the entry still holds that very record, and returns what the processor returned.
     */
    private static <R> R assertUnchanged(SubJobRecord record, EntryProcessor<SubJobKey, SubJobRecord, R> processor) {
        Map.Entry<SubJobKey, SubJobRecord> entry = entry(record);
        R returned = processor.process(entry);
        assertSame(record, entry.getValue());
        return returned;
    }

    /** The written record equals {@code expected} but for its time, which lies within the call. */
    private static void assertWritten(SubJobRecord expected, SubJobRecord written, long before, long after) {
        assertTrue(written.updatedMillis() >= before && written.updatedMillis() <= after,
                "updatedMillis " + written.updatedMillis() + " not within [" + before + ", " + after + "]");
        assertEquals(expected.toBuilder().updatedMillis(0).build(), written.toBuilder().updatedMillis(0).build());
    }

    /** A job of 3 priority, tolerating 5 failures, submitted by B at {@link #EARLIER}, with a spec. */
    private static JobRecord job(JobState state, UUID driver, long started, long total) {
        return new JobRecord(JOB, "sums", state, B, driver, EARLIER, started, 0, total, 3, 0, 5, List.of(), 0, null,
                new byte[] {1, 2, 3});
    }

    /** Records hold their spec as an array, which equals() compares by identity: compare its bytes apart. */
    private static void assertJob(JobRecord expected, JobRecord actual) {
        assertArrayEquals(expected.spec(), actual.spec());
        assertEquals(expected.withoutSpec(), actual.withoutSpec());
    }

    private static TaskFailure failure(int index) {
        return new TaskFailure("index " + index, 3, "java.lang.IllegalStateException: task " + index);
    }

    /** An entry as a partition thread hands it over, recording the time-to-live it is given. */
    private static final class TtlEntry<K, V> extends AbstractMap.SimpleEntry<K, V> implements ExtendedMapEntry<K, V> {
        long ttlMillis = -1;
        int writes;

        TtlEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V newValue) {
            return setValueWithoutChangingExpiryTime(newValue);
        }

        @Override
        public V setValue(V newValue, long ttl, TimeUnit unit) {
            ttlMillis = unit.toMillis(ttl);
            return setValueWithoutChangingExpiryTime(newValue);
        }

        @Override
        public V setValueWithoutChangingExpiryTime(V newValue) {
            writes++;
            return super.setValue(newValue);
        }
    }
}
