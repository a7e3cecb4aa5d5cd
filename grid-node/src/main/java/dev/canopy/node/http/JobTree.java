package dev.canopy.node.http;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobId;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Reads one job's tree from {@code canopy.subjobs} with one partition-scoped query: the whole tree
 * lives in the partition of the job's id. Nodes come ordered by level, then by path, so a tree cut
 * at {@link #MAX_NODES} loses its deepest nodes first.
 */
final class JobTree {

    /** Sub-job map of the engine (see {@code dev.canopy.grid.internal.store.GridMaps}). */
    static final String SUBJOBS = "canopy.subjobs";

    /** Most nodes one answer carries; the page draws this many without strain. */
    static final int MAX_NODES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(JobTree.class);

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

    private final IMap<SubJobKey, SubJobRecord> subjobs;
    private volatile boolean membersLackPredicate;

    JobTree(HazelcastInstance hz) {
        this.subjobs = hz.getMap(SUBJOBS);
    }

    Tree read(JobId id) {
        String jobId = id.toString();
        List<Node> nodes = new ArrayList<>();
        for (SubJobRecord r : records(jobId)) {
            if (jobId.equals(r.jobId())) {
                nodes.add(new Node(r.path(), r.parentPath(), r.leaf(), r.assignee(),
                        r.state() == null ? null : r.state().name(), r.attempt(),
                        r.slice() == null ? 0 : r.slice().size(), r.done(), r.children()));
            }
        }
        nodes.sort(Comparator.comparingInt((Node n) -> SubJobKey.depth(n.path()))
                .thenComparing(Node::path, JobTree::comparePaths));
        int total = nodes.size();
        return new Tree(total > MAX_NODES ? List.copyOf(nodes.subList(0, MAX_NODES)) : nodes, total);
    }

    private Collection<SubJobRecord> records(String jobId) {
        if (!membersLackPredicate) {
            try {
                return subjobs.values(Predicates.partitionPredicate(jobId, new OfJob(jobId)));
            } catch (HazelcastSerializationException e) {
                // an embedded member without grid-node on its class path cannot load OfJob
                membersLackPredicate = true;
                LOG.warn("Reading job trees without a member-side filter: the owner of job {}'s partition cannot "
                        + "load {} ({}); put grid-node on every member's class path to filter there", jobId,
                        OfJob.class.getName(), e.getMessage());
            }
        }
        return subjobs.values(Predicates.partitionPredicate(jobId, Predicates.alwaysTrue()));
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
