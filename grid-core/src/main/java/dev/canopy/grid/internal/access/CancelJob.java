package dev.canopy.grid.internal.access;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import java.io.Serializable;

/**
 * To every member: the job ended (cancelled, failed or timed out); stop its work. Only speeds
 * things up: each engine also drops a job whose result it finds. Runs on a {@code canopy.control}
 * executor thread; a member without an engine ignores it.
 */
final class CancelJob implements Runnable, Serializable, HazelcastInstanceAware {

    private final String jobId;
    private transient HazelcastInstance hz;

    CancelJob(String jobId) {
        this.jobId = jobId;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.hz = hazelcastInstance;
    }

    @Override
    public void run() {
        MemberEngine engine = MemberEngine.of(hz);
        if (engine != null) {
            engine.cancelLocally(jobId);
        }
    }

    @Override
    public String toString() {
        return "CancelJob[" + jobId + "]";
    }
}
