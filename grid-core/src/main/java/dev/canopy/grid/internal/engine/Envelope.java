package dev.canopy.grid.internal.engine;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.canopy.grid.internal.access.MemberEngine;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * A {@link Messages.Message} as it travels: serialized once by the sender, which so learns its size
 * for the metrics without serializing it a second time, and carried as bytes. Runs on a
 * {@code canopy.control} executor thread of the receiver, which decodes it and hands it to its
 * engine; a member without a running engine drops it.
 *
 * <p>With a cluster key the bytes carry the sender's signature (for its member id), and the
 * receiver checks it before it decodes a byte: a message from whoever lacks the key (a plain
 * Hazelcast member or client calling the executor) is refused unread. A signed envelope could be
 * sent again by someone who captured it; every message is safe to receive twice (attempts make
 * stale reports void), so a replay costs time, never correctness.
 */
final class Envelope implements Runnable, DataSerializable, HazelcastInstanceAware {

    private static final Logger LOG = LoggerFactory.getLogger(Envelope.class);

    private byte[] bytes;
    private UUID sender;
    /** Null without a key. */
    private byte[] signature;
    private transient HazelcastInstance hz;

    /** For deserialization. */
    public Envelope() {
    }

    Envelope(byte[] bytes, UUID sender, byte[] signature) {
        this.bytes = bytes;
        this.sender = sender;
        this.signature = signature;
    }

    static Envelope of(Messages.Message message, SerializationService serialization, UUID sender, ClusterKey key) {
        byte[] bytes = serialization.toData(message).toByteArray();
        return new Envelope(bytes, sender, key.isSet() ? key.sign(ClusterKey.Use.MESSAGE, sender.toString(), bytes)
                : null);
    }

    int size() {
        return bytes.length;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.hz = hazelcastInstance;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(bytes);
        out.writeLong(sender.getMostSignificantBits());
        out.writeLong(sender.getLeastSignificantBits());
        out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        bytes = in.readByteArray();
        sender = new UUID(in.readLong(), in.readLong());
        signature = in.readByteArray();
    }

    @Override
    public void run() {
        if (!(MemberEngine.of(hz) instanceof Engine engine)) {
            LOG.debug("A Canopy message reached member {}, which runs no Canopy engine; dropped", hz);
            return;
        }
        ClusterKey key = engine.clusterKey();
        if (key.isSet() && !key.verifies(signature, ClusterKey.Use.MESSAGE, sender.toString(), bytes)) {
            Refusals.warn(hz, "a control message", sender, (signature == null ? "not signed with this cluster's key"
                    : "its signature does not match (another key, another sender, or bytes changed after signing)")
                    + "; its " + bytes.length + " bytes were not read");
            return;
        }
        SerializationService serialization = ((SerializationServiceSupport) hz).getSerializationService();
        Data data = new HeapData(bytes);
        Messages.Message message = serialization.toObject(data);
        engine.receive(message);
    }
}
