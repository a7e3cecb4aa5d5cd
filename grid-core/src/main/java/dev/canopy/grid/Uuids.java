package dev.canopy.grid;

import java.util.Objects;
import java.util.UUID;

/** Reading the ids that {@link JobId} and {@link GraphId} print: one rule for both. */
final class Uuids {

    private static final int CANONICAL_LENGTH = 36;

    private Uuids() {
    }

    /**
     * A UUID in its canonical form of 36 characters (surrounding blanks are ignored, letters may be
     * upper case). Short forms that {@link UUID#fromString} would also take, such as {@code 1-1-1-1-1},
     * are refused: they would name the same job or graph as a different text.
     *
     * @param what what the text names, for the message ("job id", "graph id")
     * @throws IllegalArgumentException when {@code text} is not one, naming it (cut to 80 characters)
     */
    static UUID parseCanonical(String text, String what) {
        Objects.requireNonNull(text, what);
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
            throw new IllegalArgumentException(what + " must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '"
                    + shown + "'");
        }
        return uuid;
    }
}
