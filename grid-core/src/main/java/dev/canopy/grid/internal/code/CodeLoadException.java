package dev.canopy.grid.internal.code;

import dev.canopy.grid.GridException;

/**
 * A job's code could not be made ready on this member: an entry is missing from the grid, its
 * bytes do not match its SHA-256, or the local cache could not be written. Names the entry. Not
 * retriable as such: the engine turns it into the job's failure, naming the member.
 */
public final class CodeLoadException extends GridException {

    private final CodeEntry entry;

    CodeLoadException(String message, CodeEntry entry, Throwable cause) {
        super(message, cause);
        this.entry = entry;
    }

    /** The entry that could not be made ready. */
    public CodeEntry entry() {
        return entry;
    }
}
