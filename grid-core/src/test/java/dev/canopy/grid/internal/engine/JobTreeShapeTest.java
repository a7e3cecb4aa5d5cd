package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import com.hazelcast.map.IMap;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TestTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shape of a finished job's tree, read from {@code canopy.subjobs}: a bounded fan-out makes it
 * deep, every record hangs off a driver of the same job, and the leaves tile the range exactly once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobTreeShapeTest extends GridTestSupport {

    private static final long TASKS = 200_000;
    private static final int LEAF_SIZE = 1_000;
    private static final int FAN_OUT = 2;

    /** A retry of a failed task appends ".rN" (possibly with a suffix, like ".r1-0") to a path. */
    private static boolean isRetry(String path) {
        for (String segment : path.split("\\.")) {
            if (segment.startsWith("r")) {
                return true;
            }
        }
        return false;
    }

    /** Asserts that {@code slices}, sorted by from, cover {@code [from, to)} with no gap and no overlap. */
    private static void assertTiles(String what, List<Slice.IndexSlice> slices, long from, long to) {
        List<Slice.IndexSlice> sorted = new ArrayList<>(slices);
        sorted.sort(Comparator.comparingLong(Slice.IndexSlice::from));
        long next = from;
        for (Slice.IndexSlice s : sorted) {
            if (s.from() != next) {
                fail(what + ": " + (s.from() > next ? "gap" : "overlap") + " at " + next + ", next slice is " + s
                        + " (all: " + sorted + ")");
            }
            assertTrue(s.to() > s.from(), what + ": empty slice " + s);
            next = s.to();
        }
        assertEquals(to, next, what + ": slices end at " + next + ", not at " + to);
    }

    private static Slice.IndexSlice indexSlice(SubJobRecord record) {
        return assertInstanceOf(Slice.IndexSlice.class, record.slice(), "slice of " + record.path());
    }

    @Test
    void whenLargeRangeJobRunsWithFanOutTwo_thenTreeIsDeepAndLeavesTileTheRange() {
        // given: 6 members, fan-out 2, 200 leaves of 1000 tasks
        List<GridNode> nodes = startCluster(6);
        Job<Long, Long> job = Job.range(0, TASKS, (i, ctx) -> i)
                .reduce(Reducers.sumLong())
                .fanOut(FAN_OUT)
                .leafSize(LEAF_SIZE)
                .name("tree")
                .build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        long sum = await(handle.result());
        String jobId = handle.id().toString();
        // the job record is finished (with the final progress, after the root is marked DONE) just after the result
        IMap<String, JobRecord> jobs = nodes.get(0).hazelcast().getMap("canopy.jobs");
        awaitTrue("job record " + jobId + " to be finished", () -> jobs.get(jobId).state().isTerminal());
        JobProgress progress = handle.progress();
        IMap<SubJobKey, SubJobRecord> subjobs = nodes.get(0).hazelcast().getMap("canopy.subjobs");
        Map<String, SubJobRecord> tree = new HashMap<>();
        for (Map.Entry<SubJobKey, SubJobRecord> e : subjobs.entrySet()) {
            if (e.getKey().jobId().equals(jobId)) {
                tree.put(e.getKey().path(), e.getValue());
            }
        }

        // then: the result, and the records agree with their keys
        assertEquals(TestTasks.sumBelow(TASKS), sum);
        assertFalse(tree.isEmpty(), "no sub-job records for job " + jobId);
        Set<UUID> members = memberUuids();
        for (Map.Entry<String, SubJobRecord> e : tree.entrySet()) {
            SubJobRecord r = e.getValue();
            assertEquals(e.getKey(), r.path(), "record under path " + e.getKey());
            assertEquals(jobId, r.jobId(), "job of record " + r.path());
            assertEquals(SubJobState.DONE, r.state(), "state of " + r.path() + " after the job completed");
            assertNotNull(r.assignee(), "assignee of " + r.path());
            assertTrue(members.contains(r.assignee()), "assignee of " + r.path() + " is a member: " + r.assignee());
            assertTrue(r.group() != null && r.group().contains(r.assignee()),
                    "assignee of " + r.path() + " is in its group " + r.group());
        }

        // then: the root covers the whole range
        SubJobRecord root = tree.get(SubJobKey.ROOT);
        assertNotNull(root, "root record; paths: " + tree.keySet());
        assertNull(root.parentPath());
        assertNull(root.reportTo());
        assertFalse(root.leaf(), "a 200-leaf job's root drives children");
        assertEquals(new Slice.IndexSlice(0, TASKS), root.slice());

        // then: every other record hangs off a driver of the same job
        for (SubJobRecord r : tree.values()) {
            if (r == root) {
                continue;
            }
            assertNotNull(r.parentPath(), "parent of " + r.path());
            SubJobRecord parent = tree.get(r.parentPath());
            assertNotNull(parent, "parent " + r.parentPath() + " of " + r.path() + " exists");
            assertFalse(parent.leaf(), "parent " + r.parentPath() + " of " + r.path() + " is a driver");
            assertTrue(r.path().startsWith(r.parentPath() + "."), "path " + r.path() + " extends its parent's");
            assertEquals(parent.assignee(), r.reportTo(), "reportTo of " + r.path() + " is its parent's driver");
        }

        // then: each driver has 1..fanOut children (retries aside), which tile its slice
        Map<String, List<SubJobRecord>> childrenOf = tree.values().stream()
                .filter(r -> r.parentPath() != null && !isRetry(r.path()))
                .collect(Collectors.groupingBy(SubJobRecord::parentPath));
        for (SubJobRecord driver : tree.values()) {
            if (driver.leaf() || isRetry(driver.path())) {
                continue;
            }
            List<SubJobRecord> children = childrenOf.getOrDefault(driver.path(), List.of());
            assertTrue(children.size() >= 1 && children.size() <= FAN_OUT,
                    "driver " + driver.path() + " has " + children.size() + " children, fan-out is " + FAN_OUT);
            assertEquals(children.size(), driver.children(), "children() of driver " + driver.path());
            Slice.IndexSlice slice = indexSlice(driver);
            assertTiles("children of " + driver.path(),
                    children.stream().map(JobTreeShapeTest::indexSlice).collect(Collectors.toList()),
                    slice.from(), slice.to());
        }

        // then: the leaves tile [0, TASKS) exactly once, each at most leafSize
        List<SubJobRecord> leaves = tree.values().stream().filter(SubJobRecord::leaf).collect(Collectors.toList());
        List<Slice.IndexSlice> leafSlices = leaves.stream()
                .filter(r -> !isRetry(r.path()))
                .map(JobTreeShapeTest::indexSlice)
                .collect(Collectors.toList());
        assertTiles("leaves", leafSlices, 0, TASKS);
        for (Slice.IndexSlice s : leafSlices) {
            assertTrue(s.size() <= LEAF_SIZE, "leaf " + s + " is larger than leafSize " + LEAF_SIZE);
        }
        assertTrue(leafSlices.size() >= TASKS / LEAF_SIZE, "leaves: " + leafSlices.size());
        assertEquals(TASKS, leaves.stream().mapToLong(SubJobRecord::done).sum(), "tasks done by the leaves");
        assertTrue(leaves.stream().map(SubJobRecord::assignee).distinct().count() > 1,
                "leaves of a 200-leaf job ran on one member only");

        // then: progress agrees with the records
        int recordDepth = tree.keySet().stream().filter(p -> !isRetry(p)).mapToInt(SubJobKey::depth).max().orElse(0);
        assertTrue(progress.depth() >= 3, "depth with fan-out 2 and 200 leaves: " + progress);
        assertEquals(recordDepth, progress.depth(), "progress depth vs. the deepest record");
        assertEquals(leaves.size(), progress.leaves(), "progress leaves vs. leaf records");
        assertEquals(TASKS, progress.total());
        assertEquals(TASKS, progress.done());
    }
}
