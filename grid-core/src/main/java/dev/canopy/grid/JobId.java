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

    /**
     * The job id that {@link #toString()} printed: a UUID in its canonical form of 36 characters
     * (surrounding blanks are ignored, letters may be upper case; short forms are refused).
     *
     * @throws IllegalArgumentException when {@code text} is not a job id, naming it (cut to 80 characters)
     */
    public static JobId parse(String text) {
        return new JobId(Uuids.parseCanonical(text, "job id"));
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
