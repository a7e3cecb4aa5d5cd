package dev.canopy.grid;

/**
 * A member refused to take a job: it is not signed with the cluster's key (the submitter has no
 * key, or another one). Nothing of the job was written or run. Not retriable: give the submitter
 * the cluster's key ({@code clusterKeyFile} or {@code CANOPY_CLUSTER_KEY}).
 */
public class JobRefusedException extends GridException {

    public JobRefusedException(String message) {
        super(message);
    }
}
