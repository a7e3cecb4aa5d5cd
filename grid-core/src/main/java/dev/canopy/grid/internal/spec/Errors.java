package dev.canopy.grid.internal.spec;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception plumbing in one place: peeling wrappers, and making a task's exception travel. */
public final class Errors {

    private Errors() {
    }

    /** Removes {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable peel(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * The exception itself when it can be serialized; otherwise a {@link RemoteTaskException} that
     * keeps its class name, message and stack trace, so nothing of it is lost on the way to the caller.
     */
    public static Throwable portable(Throwable t) {
        if (Codec.isSerializable(t)) {
            return t;
        }
        RemoteTaskException copy = new RemoteTaskException(t.getClass().getName(), t.getMessage());
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    public static String describe(Throwable t) {
        String name = t instanceof RemoteTaskException r ? r.originalClass() : t.getClass().getName();
        return t.getMessage() == null ? name : name + ": " + t.getMessage();
    }
}
