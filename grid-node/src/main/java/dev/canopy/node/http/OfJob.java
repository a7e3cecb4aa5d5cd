package dev.canopy.node.http;

import com.hazelcast.query.Predicate;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;

import java.util.Map;

/**
 * Matches the sub-job records of one job. Used inside a partition predicate (a job's tree lives in
 * the partition of its id), so it runs on the partition's owner: this class must be on that member's
 * class path, as it is on every standalone node. {@link JobTree} falls back to filtering here when
 * a member lacks it.
 */
record OfJob(String jobId) implements Predicate<SubJobKey, SubJobRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean apply(Map.Entry<SubJobKey, SubJobRecord> entry) {
        return entry.getKey().jobId().equals(jobId);
    }
}
