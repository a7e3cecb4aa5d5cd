package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.SubJobRecord;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/**
 * The messages members' engines send each other, through the {@code canopy.control} executor in
 * an {@link Envelope}. Each only speeds things up: the records say the same, and a lost message
 * costs time, never correctness. Plain data: the receiving {@link Engine} routes each to the part
 * that handles it.
 */
final class Messages {

    private Messages() {
    }

    sealed interface Message extends Serializable {
    }

    /**
     * To a child's assignee: run or drive this sub-job. Carries the job's spec (when the sender
     * knows it), so a member new to the job need not read it from the job record first.
     */
    record Delegate(SubJobRecord child, byte[] spec) implements Message {
        @Override
        public String toString() {
            return "Delegate[" + child.jobId() + "/" + child.path() + "#" + child.attemptId() + "]";
        }
    }

    /** To the parent's driver: a child committed this outcome. */
    record ChildDone(String jobId, String parentPath, String path, AttemptId attempt, List<Piece> outcome)
            implements Message {
        @Override
        public String toString() {
            return "ChildDone[" + jobId + "/" + path + "#" + attempt + "]";
        }
    }

    /** To a member chosen by a top driver that leaves cleanly: take the job over. */
    record TakeOver(String jobId, UUID leaving) implements Message {
    }

    /** To a member with queued leaves, from an idle one: hand some over. */
    record StealRequest(UUID thief, int wanted) implements Message {
    }

    /** To every member: this member's engine stopped though its Hazelcast member stays; treat it as gone. */
    record EngineLeft(UUID member) implements Message {
    }
}
