package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobRecord;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The messages members send each other through the {@code canopy.control} executor. Each only
 * speeds things up: the records say the same, and a lost message costs time, never correctness.
 * Each runs on a Hazelcast executor thread of the receiving member and hands over to its engine.
 */
public final class Messages {

    private static final Logger LOG = LoggerFactory.getLogger(Messages.class);

    private Messages() {
    }

    /** Base: finds the receiving member's engine; a member without Canopy drops the message. */
    abstract static class Message implements Runnable, Serializable, HazelcastInstanceAware {
        private transient HazelcastInstance hz;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.hz = hazelcastInstance;
        }

        @Override
        public final void run() {
            Engine engine = hz == null ? null : Engine.of(hz);
            if (engine == null) {
                LOG.debug("{} reached a member without a running Canopy engine; dropped", this);
                return;
            }
            engine.metrics().received();
            try {
                deliver(engine);
            } catch (RuntimeException e) {
                LOG.warn("Handling {} failed", this, e);
            }
        }

        abstract void deliver(Engine engine);
    }

    /**
     * To the owner of a new job's partition: write the job's records and drive it. A call, not a
     * message: the submitter waits for the records to be written before it returns the handle.
     */
    public static final class SubmitJob implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
        private final JobRecord record;
        private final byte[] spec;
        private transient HazelcastInstance hz;

      public   SubmitJob(JobRecord record, byte[] spec) {
            this.record = record;
            this.spec = spec;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.hz = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            Engine engine = Engine.of(hz);
            if (engine == null) {
                throw new IllegalStateException("member " + hz.getCluster().getLocalMember()
                        + " owns job " + record.id() + " but runs no Canopy engine: every member needs a GridNode");
            }
            engine.metrics().received();
            engine.lifecycle().acceptJob(record, spec);
            return true;
        }

        @Override
        public String toString() {
            return "SubmitJob[" + record.id() + "]";
        }
    }

    /** To a member chosen by a top driver that leaves cleanly: take the job over. */
    static final class TakeOver extends Message {
        final String jobId;
        final UUID leaving;

        TakeOver(String jobId, UUID leaving) {
            this.jobId = jobId;
            this.leaving = leaving;
        }

        @Override
        void deliver(Engine engine) {
            engine.lifecycle().startJob(jobId, leaving);
        }

        @Override
        public String toString() {
            return "TakeOver[" + jobId + " from " + leaving + "]";
        }
    }

    /**
     * To a child's assignee: run or drive this sub-job. Carries the job's spec (when the sender
     * knows it), so a member new to the job need not read it from the job record first.
     */
    static final class Delegate extends Message {
        final SubJobRecord child;
        final byte[] spec;

        Delegate(SubJobRecord child, byte[] spec) {
            this.child = child;
            this.spec = spec;
        }

        @Override
        void deliver(Engine engine) {
            engine.accept(child, spec);
        }

        @Override
        public String toString() {
            return "Delegate[" + child.jobId() + "/" + child.path() + "#" + child.attempt() + "]";
        }
    }

    /** To the parent's driver: a child committed this outcome. */
    static final class ChildDone extends Message {
        final String jobId;
        final String parentPath;
        final String path;
        final int attempt;
        final List<Object> outcome;

        ChildDone(String jobId, String parentPath, String path, int attempt, List<Object> outcome) {
            this.jobId = jobId;
            this.parentPath = parentPath;
            this.path = path;
            this.attempt = attempt;
            this.outcome = outcome;
        }

        @Override
        void deliver(Engine engine) {
            engine.childDone(jobId, parentPath, path, attempt, outcome);
        }

        @Override
        public String toString() {
            return "ChildDone[" + jobId + "/" + path + "#" + attempt + "]";
        }
    }

    /** To every member: the job ended (cancelled, failed or timed out); stop its work. */
    public static final class CancelJob extends Message {
        final String jobId;

      public   CancelJob(String jobId) {
            this.jobId = jobId;
        }

        @Override
        void deliver(Engine engine) {
            engine.cancelLocally(jobId);
        }

        @Override
        public String toString() {
            return "CancelJob[" + jobId + "]";
        }
    }

    /** To a member with queued leaves, from an idle one: hand some over. */
    static final class StealRequest extends Message {
        final UUID thief;
        final int wanted;

        StealRequest(UUID thief, int wanted) {
            this.thief = thief;
            this.wanted = wanted;
        }

        @Override
        void deliver(Engine engine) {
            engine.handOver().giveLeaves(thief, wanted);
        }

        @Override
        public String toString() {
            return "StealRequest[" + thief + " wants " + wanted + "]";
        }
    }

    /** To every member: this member's engine stopped though its Hazelcast member stays; treat it as gone. */
    static final class EngineLeft extends Message {
        final UUID member;

        EngineLeft(UUID member) {
            this.member = member;
        }

        @Override
        void deliver(Engine engine) {
            engine.memberGone(member);
        }

        @Override
        public String toString() {
            return "EngineLeft[" + member + "]";
        }
    }
}
