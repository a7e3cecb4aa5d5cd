package dev.canopy.grid;

/** A failure that a retry of the same call may not meet again, such as a member leaving mid-call. */
public class RetriableGridException extends GridException {

    public RetriableGridException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
