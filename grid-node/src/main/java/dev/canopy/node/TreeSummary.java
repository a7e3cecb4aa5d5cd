package dev.canopy.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobId;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shape of one job's tree, read from its sub-job records in {@code canopy.subjobs}: its depth,
 * how many leaves it had and which member ran them. One query of one partition (a job's records
 * live in the partition of its id), so it costs about as much as {@code JobHandle.progress()}.
 *
 * @param depth           levels, the root counting as one
 * @param drivers         sub-jobs that split further (the root included)
 * @param leaves          leaves that committed their tasks
 * @param leavesPerMember committed leaves by the {@code host:port} of the member that ran them (its
 *                        uuid when it has left), in the cluster's member order, then the departed
 */
record TreeSummary(int depth, int drivers, int leaves, Map<String, Integer> leavesPerMember) {

    static final String SUBJOBS_MAP = "canopy.subjobs";

    /** Reads the tree of {@code job} through {@code hz}, a member or a client of the grid. */
    static TreeSummary of(HazelcastInstance hz, JobId job) {
        String id = job.toString();
        IMap<SubJobKey, SubJobRecord> subjobs = hz.getMap(SUBJOBS_MAP);
        Collection<SubJobRecord> records = subjobs.values(Predicates.partitionPredicate(id, Predicates.alwaysTrue()));
        Map<UUID, Integer> byMember = new HashMap<>();
        int depth = 0;
        int drivers = 0;
        int leaves = 0;
        for (SubJobRecord r : records) {
            if (!id.equals(r.jobId())) {
                continue;           // another job whose id falls in the same partition
            }
            depth = Math.max(depth, SubJobKey.depth(r.path()));
            if (!r.leaf()) {
                drivers++;
            } else if (r.state() == SubJobState.DONE) {
                leaves++;
                byMember.merge(r.assignee(), 1, Integer::sum);
            }
        }
        Map<String, Integer> named = new LinkedHashMap<>();
        for (Member m : hz.getCluster().getMembers()) {
            Integer count = byMember.remove(m.getUuid());
            if (count != null) {
                named.put(m.getAddress().getHost() + ":" + m.getAddress().getPort(), count);
            }
        }
        byMember.forEach((uuid, count) -> named.put("departed member " + uuid, count));
        return new TreeSummary(depth, drivers, leaves, named);
    }

    /** {@code depth 2, 1 driver, 48 leaves: 127.0.0.1:5801 16, 127.0.0.1:5802 16, 127.0.0.1:5803 16}. */
    String describe() {
        StringBuilder sb = new StringBuilder()
                .append("depth ").append(depth)
                .append(", ").append(drivers).append(drivers == 1 ? " driver" : " drivers")
                .append(", ").append(leaves).append(leaves == 1 ? " leaf" : " leaves");
        if (!leavesPerMember.isEmpty()) {
            sb.append("; leaves per member: ");
            String sep = "";
            for (Map.Entry<String, Integer> e : leavesPerMember.entrySet()) {
                sb.append(sep).append(e.getKey()).append(' ').append(e.getValue());
                sep = ", ";
            }
        }
        return sb.toString();
    }
}
