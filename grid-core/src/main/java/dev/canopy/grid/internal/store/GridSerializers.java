package dev.canopy.grid.internal.store;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.Serializer;
import com.hazelcast.nio.serialization.SerializerHook;
import com.hazelcast.nio.serialization.StreamSerializer;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Field-by-field serializers for the records every job writes and reads on its critical path, the
 * job record and the result: Java serialization wrote their class descriptors each time, which made
 * them several times larger and slower to read (the measurements are in docs/BENCHMARKS.md). Found
 * by Hazelcast through {@code META-INF/services/com.hazelcast.SerializerHook}, so members,
 * clients and nodes attached to a service's Hazelcast all use them without configuration. A task's
 * result and a job's error still go through Hazelcast's own serialization ({@code writeObject}).
 */
final class GridSerializers {

    /** Hazelcast type ids; user serializers count up from 1, so Canopy's sit far from them. */
    static final int JOB_RECORD = 0x434E01;
    static final int JOB_OUTCOME = 0x434E02;

    /** Read per record: {@code values()} would copy the array each time. */
    private static final JobState[] STATES = JobState.values();

    private GridSerializers() {
    }

    /**
     * Reads bytes it cannot parse as an {@link Unreadable}, not by throwing (see there why), so it is
     * a serializer of {@code Object}: it writes only job records.
     */
    static final class JobRecordSerializer implements StreamSerializer<Object> {
        @Override
        public int getTypeId() {
            return JOB_RECORD;
        }

        @Override
        public void write(ObjectDataOutput out, Object value) throws IOException {
            JobRecord r = (JobRecord) value;
            out.writeString(r.id());
            out.writeString(r.name());
            out.writeByte(r.state().ordinal());
            writeUuid(out, r.submitter());
            writeUuid(out, r.topDriver());
            out.writeLong(r.submittedMillis());
            out.writeLong(r.startedMillis());
            out.writeLong(r.finishedMillis());
            out.writeLong(r.total());
            out.writeInt(r.priority());
            out.writeLong(r.timeoutMillis());
            out.writeInt(r.tolerateFailures());
            writeFailures(out, r.failures());
            out.writeLong(r.failureCount());
            JobProgress p = r.progress();
            out.writeBoolean(p != null);
            if (p != null) {
                out.writeLong(p.total());
                out.writeLong(p.done());
                out.writeLong(p.failed());
                out.writeLong(p.retried());
                out.writeLong(p.running());
                out.writeInt(p.depth());
                out.writeInt(p.leaves());
            }
            out.writeByteArray(r.spec());
        }

        @Override
        public Object read(ObjectDataInput in) {
            try {
                return readRecord(in);
            } catch (IOException | RuntimeException e) {
                // cut short (EOFException), a state or a length out of range: the bytes are not a record
                return new Unreadable("JobRecord", e.toString());
            }
        }

        private static JobRecord readRecord(ObjectDataInput in) throws IOException {
            String id = in.readString();
            String name = in.readString();
            JobState state = STATES[in.readByte()];
            UUID submitter = readUuid(in);
            UUID topDriver = readUuid(in);
            long submitted = in.readLong();
            long started = in.readLong();
            long finished = in.readLong();
            long total = in.readLong();
            int priority = in.readInt();
            long timeout = in.readLong();
            int tolerate = in.readInt();
            List<TaskFailure> failures = readFailures(in);
            long failed = in.readLong();
            JobProgress progress = in.readBoolean() ? new JobProgress(in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readInt(), in.readInt()) : null;
            byte[] spec = readBytes(in);
            return new JobRecord(id, name, state, submitter, topDriver, submitted, started, finished, total, priority,
                    timeout, tolerate, failures, failed, progress, spec);
        }
    }

    static final class JobOutcomeSerializer implements StreamSerializer<JobOutcome> {
        @Override
        public int getTypeId() {
            return JOB_OUTCOME;
        }

        @Override
        public void write(ObjectDataOutput out, JobOutcome o) throws IOException {
            out.writeByte(o.state().ordinal());
            out.writeObject(o.result());
            out.writeObject(o.error());
            writeFailures(out, o.failures());
            out.writeString(o.seal());
        }

        @Override
        public JobOutcome read(ObjectDataInput in) throws IOException {
            JobState state = STATES[in.readByte()];
            Object result = in.readObject();
            Throwable error = in.readObject();
            List<TaskFailure> failures = readFailures(in);
            return new JobOutcome(state, result, error, failures, in.readString());
        }
    }

    private static void writeFailures(ObjectDataOutput out, List<TaskFailure> failures) throws IOException {
        out.writeInt(failures == null ? -1 : failures.size());
        if (failures != null) {
            for (TaskFailure f : failures) {
                out.writeString(f.task());
                out.writeInt(f.attempts());
                out.writeString(f.error());
            }
        }
    }

    private static List<TaskFailure> readFailures(ObjectDataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            return null;
        }
        // a count read from bad bytes may be huge: the list grows as failures are actually read
        List<TaskFailure> failures = new ArrayList<>(Math.min(count, 16));
        for (int i = 0; i < count; i++) {
            failures.add(new TaskFailure(in.readString(), in.readInt(), in.readString()));
        }
        return List.copyOf(failures);
    }

    /** {@code readByteArray}, but a length read from bad bytes fails before it is allocated. */
    private static byte[] readBytes(ObjectDataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        // Hazelcast's inputs are InputStreams over the bytes at hand
        if (in instanceof InputStream stream && length > stream.available()) {
            throw new EOFException("a byte array of " + length + " bytes, but only " + stream.available() + " are left");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeUuid(ObjectDataOutput out, UUID uuid) throws IOException {
        out.writeBoolean(uuid != null);
        if (uuid != null) {
            out.writeLong(uuid.getMostSignificantBits());
            out.writeLong(uuid.getLeastSignificantBits());
        }
    }

    private static UUID readUuid(ObjectDataInput in) throws IOException {
        return in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
    }

    /** Registers one serializer; Hazelcast makes each hook with its no-argument constructor. */
    private abstract static class Hook<T> implements SerializerHook<T> {
        private final Class<T> type;
        private final Supplier<Serializer> serializer;

        Hook(Class<T> type, Supplier<Serializer> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public Class<T> getSerializationType() {
            return type;
        }

        @Override
        public Serializer createSerializer() {
            return serializer.get();
        }

        @Override
        public boolean isOverwritable() {
            return true;
        }
    }

    /** Registers {@link JobRecordSerializer}; see the class comment. */
    public static final class JobRecordHook extends Hook<JobRecord> {
        public JobRecordHook() {
            super(JobRecord.class, JobRecordSerializer::new);
        }
    }

    /** Registers {@link JobOutcomeSerializer}; see the class comment. */
    public static final class JobOutcomeHook extends Hook<JobOutcome> {
        public JobOutcomeHook() {
            super(JobOutcome.class, JobOutcomeSerializer::new);
        }
    }
}
