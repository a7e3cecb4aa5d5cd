package dev.canopy.grid.internal.spec;

/** Stands in for a task's exception that could not be serialized; keeps its class name and message. */
public final class RemoteTaskException extends RuntimeException {

    private final String originalClass;

    public RemoteTaskException(String originalClass, String message) {
        super(originalClass + (message == null ? "" : ": " + message));
        this.originalClass = originalClass;
    }

    public String originalClass() {
        return originalClass;
    }
}
