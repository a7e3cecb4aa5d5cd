package dev.canopy.grid.spi;

import dev.canopy.grid.internal.spec.Errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception plumbing for Canopy's tools, done the engine's way. */
public final class Exceptions {

    private Exceptions() {
    }

    /** The exception under {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable peel(Throwable t) {
        return Errors.peel(t);
    }
}
