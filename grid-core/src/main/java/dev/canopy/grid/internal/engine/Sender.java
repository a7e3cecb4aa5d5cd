package dev.canopy.grid.internal.engine;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.canopy.grid.internal.trust.ClusterKey;

import java.util.Collection;
import java.util.UUID;

/**
 * Sends {@link Messages} to other members' engines through the {@code canopy.control} executor,
 * and counts them and their bytes for the metrics. Threads: any.
 */
final class Sender {

    private final IExecutorService control;
    private final SerializationService serialization;
    private final GridMetrics metrics;
    private final UUID localId;
    private final ClusterKey key;

    Sender(HazelcastInstance hz, IExecutorService control, GridMetrics metrics, ClusterKey key) {
        this.control = control;
        this.localId = hz.getCluster().getLocalMember().getUuid();
        this.key = key;
        this.serialization = ((SerializationServiceSupport) hz).getSerializationService();
        this.metrics = metrics;
    }

    /** Sends {@code message} to {@code member}; returns its serialized size. */
    long send(Messages.Message message, Member member) {
        Envelope envelope = Envelope.of(message, serialization, localId, key);
        metrics.sent(envelope.size());
        control.executeOnMember(envelope, member);
        return envelope.size();
    }

    void sendToAll(Messages.Message message, Collection<Member> members) {
        if (members.isEmpty()) {
            return;
        }
        Envelope envelope = Envelope.of(message, serialization, localId, key);
        metrics.sent(envelope.size());
        control.executeOnMembers(envelope, members);
    }
}
