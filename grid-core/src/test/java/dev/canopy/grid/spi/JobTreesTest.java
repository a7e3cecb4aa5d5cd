package dev.canopy.grid.spi;

import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TestTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link JobTrees#read} shows of a finished job's tree, and of a job the grid does not know. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobTreesTest extends GridTestSupport {

    @Test
    void whenJobHasFinished_thenItsTreeHangsOffTheRootAndItsLeavesDidEveryTask() {
        // given: a finished job of 20,000 tasks, fan-out 4, in leaves of at most 1,000
        long tasks = 20_000;
        int leafSize = 1_000;
        List<GridNode> nodes = startCluster(3);
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(0, tasks, (i, ctx) -> i)
                .reduce(Reducers.sumLong()).fanOut(4).leafSize(leafSize).build());
        assertEquals(TestTasks.sumBelow(tasks), await(handle.result()));
        // the root is marked DONE just after the result is delivered
        awaitTrue("every sub-job of " + handle.id() + " to be DONE", () -> JobTrees.read(nodes.get(1).hazelcast(),
                handle.id()).stream().allMatch(s -> s.state() == SubJobView.State.DONE));

        // when
        List<SubJobView> tree = JobTrees.read(nodes.get(2).hazelcast(), handle.id());

        // then: one root, at depth 1, driving children
        Map<String, SubJobView> byPath = tree.stream().collect(Collectors.toMap(SubJobView::path, Function.identity()));
        SubJobView root = byPath.get("0");
        assertNull(root.parentPath());
        assertEquals(1, root.depth());
        assertFalse(root.leaf());
        assertEquals(tasks, root.tasks());

        // then: every other sub-job hangs off a driver, one level below it
        for (SubJobView s : tree) {
            if (s != root) {
                SubJobView parent = byPath.get(s.parentPath());
                assertFalse(parent.leaf(), "parent of " + s.path());
                assertEquals(parent.depth() + 1, s.depth(), "depth of " + s.path());
            }
            if (!s.leaf()) {
                assertEquals(s.children(), tree.stream().filter(c -> s.path().equals(c.parentPath())).count(),
                        "children of " + s.path());
            }
        }

        // then: the leaves ran on the cluster's members and did every task once
        List<SubJobView> leaves = tree.stream().filter(SubJobView::leaf).toList();
        assertTrue(leaves.stream().allMatch(s -> s.tasks() <= leafSize && s.done() == s.tasks()), tree::toString);
        assertEquals(tasks, leaves.stream().mapToLong(SubJobView::done).sum());
        Set<?> members = memberUuids();
        assertTrue(leaves.stream().allMatch(s -> members.contains(s.assignee())), tree::toString);
    }

    @Test
    void whenJobIsUnknown_thenItsTreeIsEmpty() {
        // given
        List<GridNode> nodes = startCluster(1);

        // when
        List<SubJobView> tree = JobTrees.read(nodes.get(0).hazelcast(), JobId.newId());

        // then
        assertEquals(List.of(), tree);
    }
}
