package dev.canopy.grid.internal.store;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.partition.PartitionAware;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.LogCapture;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TestTasks;
import dev.canopy.grid.spi.JobTrees;
import dev.canopy.grid.spi.SubJobView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries of Canopy's maps that are not Canopy's (a foreign value, bytes that cannot be read, a
 * foreign key) are left out of listings, progress and trees with one warning per map, and can be
 * removed with {@code IMap.delete}: before, one such entry failed every listing in the cluster and
 * could not be deleted (the {@code state} index of {@code canopy.jobs} could not read it).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForeignEntriesTest extends GridTestSupport {

    private static final String JOBS_WARNING = "Skipped an entry of canopy.jobs";
    private static final String SUBJOBS_WARNING = "Skipped an entry of canopy.subjobs";

    private List<GridNode> nodes;
    private GridClient client;
    private String run;
    private JobHandle<Long> completed;
    private JobHandle<Long> running;

    /** Two nodes, a client, a job that completed and one whose four tasks wait for the run's latch. */
    @BeforeEach
    void startClusterWithJobs() {
        nodes = startCluster(2);
        client = cluster().startClient(GridClientConfig.defaults());
        run = newRunId();
        String latch = run;
        completed = nodes.get(0).submit(Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong())
                .name("completed").build());
        await(completed.result());
        running = nodes.get(1).submit(Job.range(0, 4, (i, ctx) -> TestTasks.awaitLatch(latch, i))
                .reduce(Reducers.sumLong()).name("running").leafSize(1).build());
        awaitTrue("the running job's tasks to start", () -> TestTasks.count(run + ":started") == 4);
        awaitTrue("the running job's leaves to be marked running", () -> running.progress().running() == 4);
        ForeignEntries.forgetWarnings();
    }

    @Test
    void whenAStringIsPutIntoJobs_thenListingsSkipItWithOneWarningAndDeleteRemovesIt() {
        // given
        IMap<Object, Object> jobs = nodes.get(0).hazelcast().getMap(GridMaps.JOBS);

        try (LogCapture log = new LogCapture()) {
            // when: the put is stored and indexed (it failed half-way before, leaving an entry nothing could delete)
            jobs.put("x", "hello");
            List<List<JobInfo>> listings = List.of(nodes.get(0).jobs(), nodes.get(1).jobs(), client.jobs(),
                    client.jobs());

            // then
            for (List<JobInfo> listing : listings) {
                assertRealJobs(listing);
            }
            assertEquals(List.of(JOBS_WARNING + " that is not Canopy's: key \"x\" holds a java.lang.String, not a"
                    + " JobRecord; remove it with hz.getMap(\"canopy.jobs\").delete(key) (further skips in canopy.jobs"
                    + " are not logged for a minute)"), log.linesFrom(JOBS_WARNING));
        }
        assertEquals(45L, await(client.job(completed.id()).orElseThrow().result()));
        jobs.delete("x");
        assertFalse(jobs.containsKey("x"));
        assertRunningJobCompletes();
    }

    @Test
    void whenAnotherRecordIsPutUnderAJobIdInJobs_thenListingsSkipItAndRemoveRemovesIt() {
        // given
        IMap<Object, Object> jobs = nodes.get(0).hazelcast().getMap(GridMaps.JOBS);
        String key = JobId.newId().toString();

        try (LogCapture log = new LogCapture()) {
            // when
            jobs.put(key, JobOutcome.completed(7L, List.of()));
            List<JobInfo> fromNode = nodes.get(1).jobs();
            List<JobInfo> fromClient = client.jobs();

            // then
            assertRealJobs(fromNode);
            assertRealJobs(fromClient);
            assertEquals(List.of(JOBS_WARNING + " that is not Canopy's: key \"" + key + "\" holds a"
                    + " dev.canopy.grid.internal.store.JobOutcome, not a JobRecord; remove it with"
                    + " hz.getMap(\"canopy.jobs\").delete(key) (further skips in canopy.jobs are not logged for a"
                    + " minute)"), log.linesFrom(JOBS_WARNING));
        }
        assertEquals(JobState.RUNNING, client.job(running.id()).orElseThrow().state());
        jobs.remove(key);
        assertFalse(jobs.containsKey(key));
        assertRunningJobCompletes();
    }

    @Test
    void whenAJobRecordsBytesAreCorrupt_thenTheyReadAsUnreadableAndListingsSkipThem() {
        // given: a record whose state byte is out of range, stored as raw bytes under its own job id
        GridNode node = nodes.get(0);
        SerializationService serialization = ((SerializationServiceSupport) node.hazelcast()).getSerializationService();
        String key = JobId.newId().toString();
        JobRecord record = new JobRecord(key, "corrupt", JobState.RUNNING, null, null, 1L, 0, 0, 1, 0, 0, 0,
                List.of(), 0, null, null);
        byte[] bytes = serialization.toData(record).toByteArray();
        // after the header (partition hash, type id), the id and the name, each an int length and UTF-8 bytes
        int statePosition = 8 + 4 + key.getBytes(StandardCharsets.UTF_8).length + 4 + "corrupt".length();
        bytes[statePosition] = 99;
        Data corrupt = new HeapData(bytes);
        IMap<Object, Object> jobs = node.hazelcast().getMap(GridMaps.JOBS);

        try (LogCapture log = new LogCapture()) {
            // when
            jobs.put(key, corrupt);
            List<JobInfo> fromNode = node.jobs();
            List<JobInfo> fromClient = client.jobs();

            // then
            Unreadable read = assertInstanceOf(Unreadable.class, serialization.toObject(corrupt));
            assertEquals(new Unreadable("JobRecord",
                    "java.lang.ArrayIndexOutOfBoundsException: Index 99 out of bounds for length 5"), read);
            assertRealJobs(fromNode);
            assertRealJobs(fromClient);
            assertEquals(List.of(JOBS_WARNING + " that is not Canopy's: key \"" + key + "\" holds a JobRecord whose"
                    + " bytes cannot be read (java.lang.ArrayIndexOutOfBoundsException: Index 99 out of bounds for"
                    + " length 5); remove it with hz.getMap(\"canopy.jobs\").delete(key) (further skips in canopy.jobs"
                    + " are not logged for a minute)"), log.linesFrom(JOBS_WARNING));
        }
        jobs.delete(key);
        assertFalse(jobs.containsKey(key));
        assertRunningJobCompletes();
    }

    @Test
    void whenBytesNoSerializerCanReadAreInJobs_thenListingsSkipThemButTheyCannotBeDeleted() {
        // given: bytes of a type id no member has a serializer for (a client's own serializer, say)
        byte[] bytes = ByteBuffer.allocate(12).putInt(0).putInt(0x7777).putInt(5).array();
        IMap<Object, Object> jobs = nodes.get(0).hazelcast().getMap(GridMaps.JOBS);

        try (LogCapture log = new LogCapture()) {
            // when: Hazelcast stores them, then fails the put on the index, which must read them
            assertThrows(HazelcastSerializationException.class, () -> jobs.put("u", new HeapData(bytes)));
            List<JobInfo> fromNode = nodes.get(1).jobs();
            List<JobInfo> fromClient = client.jobs();

            // then
            assertTrue(jobs.containsKey("u"));
            assertRealJobs(fromNode);
            assertRealJobs(fromClient);
            assertEquals(List.of(JOBS_WARNING + " that is not Canopy's: key \"u\" holds bytes that do not deserialize"
                    + " here (com.hazelcast.nio.serialization.HazelcastSerializationException: There is no ...); its"
                    + " state index reads every value it removes, so the members need the class or serializer the bytes"
                    + " were written with before it can be deleted; remove it with hz.getMap(\"canopy.jobs\").delete(key)"
                    + " (further skips in canopy.jobs are not logged for a minute)"), log.linesFrom(JOBS_WARNING));
        }
        // the limit the warning states: Hazelcast must read the value to take it out of the index
        assertThrows(HazelcastSerializationException.class, () -> jobs.delete("u"));
        assertRunningJobCompletes();
    }

    @Test
    void whenAStringIsPutUnderASubJobKeyOfARunningJob_thenProgressListingsAndTreeSkipIt() {
        // given: the entry lands in the running job's partition, where its progress and tree are read
        IMap<Object, Object> subjobs = nodes.get(0).hazelcast().getMap(GridMaps.SUBJOBS);
        SubJobKey key = new SubJobKey(running.id().toString(), "foreign");
        JobProgress progressBefore = running.progress();
        int treeBefore = JobTrees.read(client.hazelcast(), running.id()).size();

        try (LogCapture log = new LogCapture()) {
            // when
            subjobs.put(key, "hello");
            JobProgress progress = running.progress();
            List<JobInfo> listing = client.jobs();
            List<SubJobView> tree = JobTrees.read(client.hazelcast(), running.id());

            // then
            assertEquals(progressBefore, progress);
            assertRealJobs(listing);
            assertEquals(treeBefore, tree.size(), "the job's sub-jobs: " + tree);
            assertEquals(List.of(SUBJOBS_WARNING + " that is not Canopy's: key \"" + key + "\" holds a"
                    + " java.lang.String, not a SubJobRecord; remove it with hz.getMap(\"canopy.subjobs\").delete(key)"
                    + " (further skips in canopy.subjobs are not logged for a minute)"), log.linesFrom(SUBJOBS_WARNING));
        }
        // the job ends over the entry too: its records are settled with it in the partition
        assertRunningJobCompletes();
        JobProgress ended = new JobProgress(4, 4, 0, 0, 0, progressBefore.depth(), 4);
        awaitTrue("the running job's final progress", () -> running.progress().equals(ended));
        subjobs.delete(key);
        assertFalse(subjobs.containsKey(key));
    }

    @Test
    void whenAForeignKeyLandsInARunningJobsPartition_thenProgressAndTreeSkipIt() {
        // given
        IMap<Object, Object> subjobs = nodes.get(0).hazelcast().getMap(GridMaps.SUBJOBS);
        ForeignKey key = new ForeignKey(running.id().toString());
        JobProgress progressBefore = running.progress();
        int treeBefore = JobTrees.read(client.hazelcast(), running.id()).size();

        try (LogCapture log = new LogCapture()) {
            // when
            subjobs.put(key, "hello");
            JobProgress progress = client.job(running.id()).orElseThrow().progress();
            List<SubJobView> tree = JobTrees.read(nodes.get(1).hazelcast(), running.id());

            // then
            assertEquals(progressBefore, progress);
            assertEquals(treeBefore, tree.size(), "the job's sub-jobs: " + tree);
            assertEquals(List.of(SUBJOBS_WARNING + " that is not Canopy's: key \"" + key + "\" has a"
                    + " dev.canopy.grid.internal.store.ForeignEntriesTest$ForeignKey for its key, not a SubJobKey;"
                    + " remove it with hz.getMap(\"canopy.subjobs\").delete(key) (further skips in canopy.subjobs are"
                    + " not logged for a minute)"), log.linesFrom(SUBJOBS_WARNING));
        }
        assertRunningJobCompletes();
        subjobs.delete(key);
        assertFalse(subjobs.containsKey(key));
    }

    /** A key of someone else's that Hazelcast places in a job's partition. */
    record ForeignKey(String jobId) implements PartitionAware<String>, Serializable {
        @Override
        public String getPartitionKey() {
            return jobId;
        }
    }

    private void assertRealJobs(List<JobInfo> listing) {
        assertEquals(List.of(completed.id(), running.id()), listing.stream().map(JobInfo::id).toList());
        assertEquals(List.of(JobState.COMPLETED, JobState.RUNNING), listing.stream().map(JobInfo::state).toList());
        assertEquals(List.of("completed", "running"), listing.stream().map(JobInfo::name).toList());
    }

    private void assertRunningJobCompletes() {
        TestTasks.latch(run).countDown();
        assertEquals(6L, await(running.result()));
        assertTrue(running.result().isDone());
    }
}
