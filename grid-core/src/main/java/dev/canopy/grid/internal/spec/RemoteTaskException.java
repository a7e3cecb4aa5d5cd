package dev.canopy.grid.internal.spec;

/**
 * Stands in for an exception that may not travel as it is: one of a class outside Canopy's
 * serialization allow-list (a user's own), one of a job's shipped code, or one that cannot be
 * serialized. Keeps its class name, message and stack trace; its causes are made portable too
 * ({@link Errors#portable}).
 */
public final class RemoteTaskException extends RuntimeException {

    private final String originalClass;
    private final String originalMessage;

    public RemoteTaskException(String originalClass, String message) {
        super(originalClass + (message == null ? "" : ": " + message));
        this.originalClass = originalClass;
        this.originalMessage = message;
    }

    /** The name of the class of the exception this stands in for. */
    public String originalClass() {
        return originalClass;
    }

    /** That exception's own message, or null. */
    public String originalMessage() {
        return originalMessage;
    }
}
