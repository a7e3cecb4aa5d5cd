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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A {@link Messages.Message} as it travels: serialized once by the sender, which so learns its size
 * for the metrics without serializing it a second time, and carried as bytes. Runs on a
 * {@code canopy.control} executor thread of the receiver, which decodes it and hands it to its
 * engine; a member without a running engine drops it.
 */
final class Envelope implements Runnable, DataSerializable, HazelcastInstanceAware {

    private static final Logger LOG = LoggerFactory.getLogger(Envelope.class);

    private byte[] bytes;
    private transient HazelcastInstance hz;

    /** For deserialization. */
    public Envelope() {
    }

    Envelope(byte[] bytes) {
        this.bytes = bytes;
    }

    static Envelope of(Messages.Message message, SerializationService serialization) {
        return new Envelope(serialization.toData(message).toByteArray());
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
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        bytes = in.readByteArray();
    }

    @Override
    public void run() {
        if (!(MemberEngine.of(hz) instanceof Engine engine)) {
            LOG.debug("A Canopy message reached member {}, which runs no Canopy engine; dropped", hz);
            return;
        }
        SerializationService serialization = ((SerializationServiceSupport) hz).getSerializationService();
        Data data = new HeapData(bytes);
        Messages.Message message = serialization.toObject(data);
        engine.receive(message);
    }
}
