package dev.canopy.grid.internal.code;

import dev.canopy.grid.GridException;

/**
 * Shipped code could not be read back from the grid: its entry is not there (never uploaded, or
 * expired), a chunk is missing (more members failed at once than {@code backupCount} allows), or the
 * bytes read differ from the hash they are stored under. Not retriable: reading again gives the same.
 * The message names the entry (its name and SHA-256).
 */
public final class CodeUnavailableException extends GridException {

    CodeUnavailableException(String message) {
        super(message);
    }
}
