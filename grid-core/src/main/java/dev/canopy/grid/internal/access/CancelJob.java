package dev.canopy.grid.internal.access;

import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Refusals;

import java.util.UUID;

/**
 * To every member: the job ended (cancelled, failed or timed out); stop its work. Only speeds
 * things up: each engine also drops a job whose result it finds. Runs on a {@code canopy.control}
 * executor thread; a member without an engine ignores it.
 *
 * <p>With a cluster key it is signed for its job, and a member stops nothing on a call that does
 * not verify: anyone reaching the executor could otherwise stop any job's work.
 */
final class CancelJob extends ToMemberEngine implements Runnable {

    private final String jobId;
    private final UUID sender;
    /** Null without a key. */
    private final byte[] signature;

    CancelJob(String jobId, UUID sender, ClusterKey key) {
        this.jobId = jobId;
        this.sender = sender;
        this.signature = key.isSet() ? key.sign(ClusterKey.Use.CANCEL, jobId) : null;
    }

    @Override
    public void run() {
        MemberEngine engine = engine();
        if (engine == null) {
            return;
        }
        ClusterKey key = engine.clusterKey();
        if (key.isSet() && !key.verifies(signature, ClusterKey.Use.CANCEL, jobId)) {
            Refusals.warn(hz(), "the cancel of job " + jobId, sender, "not signed with this cluster's key");
            return;
        }
        engine.cancelLocally(jobId);
    }

    @Override
    public String toString() {
        return "CancelJob[" + jobId + "]";
    }
}
