package dev.canopy.grid.spi;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.engine.Engine;

import java.util.Objects;
import java.util.Optional;

/** Readings of the engine running on one member, for the benchmark's scale figures. */
public final class EngineProbe {

    /**
     * Control messages one member's engine exchanged since it started.
     *
     * @param sent      messages it sent
     * @param received  messages it received
     * @param bytesSent serialized size of the messages it sent
     */
    public record MessageCounters(long sent, long received, long bytesSent) {
    }

    private EngineProbe() {
    }

    /**
     * The counters of the Canopy engine on {@code member}; empty when no engine runs there (a
     * client, or a member Canopy was never started or attached on, or has closed).
     */
    public static Optional<MessageCounters> messageCounters(HazelcastInstance member) {
        Engine engine = Engine.of(Objects.requireNonNull(member, "member"));
        if (engine == null) {
            return Optional.empty();
        }
        long[] counters = engine.messageCounters();
        return Optional.of(new MessageCounters(counters[0], counters[1], counters[2]));
    }

    /**
     * Class loaders open on {@code member} for the code jobs shipped (one per code set in use or
     * recently used); empty when no engine runs there.
     */
    public static Optional<Integer> jobClassLoaders(HazelcastInstance member) {
        Engine engine = Engine.of(Objects.requireNonNull(member, "member"));
        return engine == null ? Optional.empty() : Optional.of(engine.jobClassLoaders());
    }
}
