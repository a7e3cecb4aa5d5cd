package dev.canopy.grid;

/** Root of Canopy's exceptions. See {@link #isRetriable()}. */
public class GridException extends RuntimeException {

    public GridException(String message) {
        super(message);
    }

    public GridException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the same call may succeed if tried again (a member left, the cluster is busy). */
    public boolean isRetriable() {
        return false;
    }
}
