package dev.canopy.grid;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** A job's identity: a random UUID. {@link #toString()} and {@link #parse} round-trip. */
public final class JobId implements Serializable {

    private final UUID uuid;

    private JobId(UUID uuid) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
    }

    public static JobId newId() {
        return new JobId(UUID.randomUUID());
    }

    /** @throws IllegalArgumentException when {@code text} is not a job id (a UUID) */
    public static JobId parse(String text) {
        Objects.requireNonNull(text, "job id");
        try {
            return new JobId(UUID.fromString(text.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '" + text + "'", e);
        }
    }

    public UUID uuid() {
        return uuid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobId other && uuid.equals(other.uuid);
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
