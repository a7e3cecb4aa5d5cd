package dev.canopy.node.http;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.JobId;
import dev.canopy.grid.spi.JobTrees;
import dev.canopy.grid.spi.SubJobView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One job's tree for the API ({@link JobTrees#read}: one partition-scoped query). Nodes come
 * ordered by level, then by path, so a tree cut at {@link #MAX_NODES} loses its deepest nodes first.
 */
final class JobTree {

    /** Most nodes one answer carries; the page draws this many without strain. */
    static final int MAX_NODES = 10_000;

    /**
     * One sub-job as the API shows it.
     *
     * @param member   the member running the leaf or driving the sub-job
     * @param tasks    tasks in its slice (an estimate for a slice of map partitions)
     * @param done     for a DONE leaf, tasks that succeeded; 0 otherwise
     * @param children for a driver, children it created so far
     */
    record Node(String path, String parentPath, boolean leaf, UUID member, String state, int attempt,
                long tasks, long done, int children) {
    }

    /** The nodes of a tree, and how many there were before the cut at {@link #MAX_NODES}. */
    record Tree(List<Node> nodes, int total) {
        boolean truncated() {
            return nodes.size() < total;
        }
    }

    private final HazelcastInstance hz;

    JobTree(HazelcastInstance hz) {
        this.hz = hz;
    }

    Tree read(JobId id) {
        List<SubJobView> subJobs = new ArrayList<>(JobTrees.read(hz, id));
        subJobs.sort(Comparator.comparingInt(SubJobView::depth).thenComparing(SubJobView::path, JobTree::comparePaths));
        int total = subJobs.size();
        List<Node> nodes = new ArrayList<>(Math.min(total, MAX_NODES));
        for (SubJobView s : subJobs.subList(0, Math.min(total, MAX_NODES))) {
            nodes.add(new Node(s.path(), s.parentPath(), s.leaf(), s.assignee(),
                    s.state() == null ? null : s.state().name(), s.attempt(), s.tasks(), s.done(), s.children()));
        }
        return new Tree(nodes, total);
    }

    /** Orders "0.2" before "0.10": numeric segments by value, others ("r1-2") as text after numbers. */
    static int comparePaths(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareSegments(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static int compareSegments(String a, String b) {
        boolean na = isNumber(a);
        boolean nb = isNumber(b);
        if (na && nb) {
            int c = Integer.compare(a.length(), b.length());
            return c != 0 ? c : a.compareTo(b);
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
