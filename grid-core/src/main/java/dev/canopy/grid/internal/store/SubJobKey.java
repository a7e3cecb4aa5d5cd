package dev.canopy.grid.internal.store;

import com.hazelcast.partition.PartitionAware;

import java.io.Serializable;

/**
 * Key of a sub-job record. Partitioned by job id, so a job's whole tree lives in the partition of
 * its job record: the top driver writes it locally, one query reads it, and it migrates as one.
 *
 * @param path "0" for the root; a child appends ".i"; a retry of a failed task appends ".rN"
 */
public record SubJobKey(String jobId, String path) implements PartitionAware<String>, Serializable {

    public static final String ROOT = "0";

    @Override
    public String getPartitionKey() {
        return jobId;
    }

    /** Levels from the root, which is level 1. */
    public static int depth(String path) {
        int depth = 1;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '.') {
                depth++;
            }
        }
        return depth;
    }
}
