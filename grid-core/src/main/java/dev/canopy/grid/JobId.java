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
     * (surrounding blanks are ignored, letters may be upper case). Short forms that
     * {@link UUID#fromString} would also take, such as {@code 1-1-1-1-1}, are refused: they would
     * name the same job as a different text.
     *
     * @throws IllegalArgumentException when {@code text} is not a job id, naming it (cut to 80 characters)
     */
    public static JobId parse(String text) {
        Objects.requireNonNull(text, "job id");
        String trimmed = text.trim();
        UUID uuid = null;
        if (trimmed.length() == CANONICAL_LENGTH) {
            try {
                uuid = UUID.fromString(trimmed);
            } catch (IllegalArgumentException e) {
                uuid = null;
            }
        }
        if (uuid == null || !uuid.toString().equalsIgnoreCase(trimmed)) {
            String shown = trimmed.length() > 80 ? trimmed.substring(0, 80) + "..." : trimmed;
            throw new IllegalArgumentException("job id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '"
                    + shown + "'");
        }
        return new JobId(uuid);
    }

    private static final int CANONICAL_LENGTH = 36;

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
