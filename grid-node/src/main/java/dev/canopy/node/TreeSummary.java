package dev.canopy.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.JobId;
import dev.canopy.grid.spi.JobTrees;
import dev.canopy.grid.spi.SubJobView;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shape of one job's tree: its depth, how many leaves it had and which member ran them. Read
 * with {@link JobTrees#read}, one query of one partition, so it costs about as much as
 * {@code JobHandle.progress()}.
 *
 * @param depth           levels, the root counting as one
 * @param drivers         sub-jobs that split further (the root included)
 * @param leaves          leaves that committed their tasks
 * @param leavesPerMember committed leaves by the {@code host:port} of the member that ran them (its
 *                        uuid when it has left), in the cluster's member order, then the departed
 */
record TreeSummary(int depth, int drivers, int leaves, Map<String, Integer> leavesPerMember) {

    /** Reads the tree of {@code job} through {@code hz}, a member or a client of the grid. */
    static TreeSummary of(HazelcastInstance hz, JobId job) {
        Map<UUID, Integer> byMember = new HashMap<>();
        int depth = 0;
        int drivers = 0;
        int leaves = 0;
        for (SubJobView s : JobTrees.read(hz, job)) {
            depth = Math.max(depth, s.depth());
            if (!s.leaf()) {
                drivers++;
            } else if (s.state() == SubJobView.State.DONE) {
                leaves++;
                byMember.merge(s.assignee(), 1, Integer::sum);
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
