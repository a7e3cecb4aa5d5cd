package dev.canopy.grid.internal.spec;

import dev.canopy.grid.internal.trust.SerialFilter;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception plumbing in one place: peeling wrappers, and making a task's exception travel. */
public final class Errors {

    /** How many levels of causes are kept: a cycle of causes (possible with {@code initCause}) must end. */
    private static final int MAX_CAUSES = 32;
    /** The package of Canopy's internals, whose exceptions' messages stand alone. */
    private static final String INTERNALS = "dev.canopy.grid.internal.";

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
     * The exception as it may travel to other members and clients: itself when every class its
     * bytes name is on Canopy's own allow-list ({@link SerialFilter#travels}), so any member or
     * client Canopy started reads it back; otherwise a {@link RemoteTaskException} that keeps its
     * class name, message and stack trace, with its causes and suppressed exceptions made portable
     * the same way. A user's exception class thus never needs {@code serialAllow}, and a member
     * never loads a class because a failure named it.
     */
    public static Throwable portable(Throwable t) {
        return portable(t, MAX_CAUSES);
    }

    /**
     * The exception, its causes and its suppressed exceptions as {@link RemoteTaskException}s, each
     * keeping its class name, message and stack trace: for errors whose classes other members may
     * lack whatever their names (a job's shipped code).
     */
    public static RemoteTaskException remote(Throwable t) {
        return copy(t, MAX_CAUSES, true);
    }

    private static Throwable portable(Throwable t, int levels) {
        return SerialFilter.travels(t) ? t : copy(t, levels, false);
    }

    /**
     * A stand-in for {@code t}; below it, {@code levels - 1} levels of causes and suppressed
     * exceptions, made portable, or copied too when {@code all}.
     */
    private static RemoteTaskException copy(Throwable t, int levels, boolean all) {
        RemoteTaskException copy = t instanceof RemoteTaskException r
                ? new RemoteTaskException(r.originalClass(), r.originalMessage())
                : new RemoteTaskException(t.getClass().getName(), t.getMessage());
        copy.setStackTrace(t.getStackTrace());
        if (levels > 1) {
            Throwable cause = t.getCause();
            if (cause != null) {
                copy.initCause(all ? copy(cause, levels - 1, true) : portable(cause, levels - 1));
            }
            for (Throwable suppressed : t.getSuppressed()) {
                copy.addSuppressed(all ? copy(suppressed, levels - 1, true) : portable(suppressed, levels - 1));
            }
        }
        return copy;
    }

    /**
     * "class: message", or the class alone; of the original exception for a {@link RemoteTaskException}.
     * An exception of Canopy's internals is shown by its message alone: it says what failed, and its
     * class is nothing a user can act on.
     */
    public static String describe(Throwable t) {
        String name = t instanceof RemoteTaskException r ? r.originalClass() : t.getClass().getName();
        String message = t instanceof RemoteTaskException r ? r.originalMessage() : t.getMessage();
        if (message != null && name.startsWith(INTERNALS)) {
            return message;
        }
        return message == null ? name : name + ": " + message;
    }

}
