package dev.canopy.node;

import dev.canopy.grid.spi.Exceptions;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns exceptions into the one-line messages the commands print. */
final class Errors {

    private Errors() {
    }

    /** The exception under {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable peel(Throwable e) {
        return Exceptions.peel(e);
    }

    /** The peeled exception's message on one line, or its class name when it has none. */
    static String oneLine(Throwable e) {
        Throwable t = peel(e);
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
