package dev.canopy.grid;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * A job graph's identity: a random UUID, like a {@link JobId}. {@link #toString()} and {@link #parse}
 * round-trip.
 */
public record GraphId(UUID uuid) implements Serializable {

    public GraphId {
        Objects.requireNonNull(uuid, "uuid");
    }

    public static GraphId newId() {
        return new GraphId(UUID.randomUUID());
    }

    public static GraphId of(UUID uuid) {
        return new GraphId(uuid);
    }

    /**
     * The graph id that {@link #toString()} printed: a UUID in its canonical form of 36 characters.
     *
     * @throws IllegalArgumentException when {@code text} is not a graph id, naming it (cut to 80 characters)
     */
    public static GraphId parse(String text) {
        return new GraphId(Uuids.parseCanonical(text, "graph id"));
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
