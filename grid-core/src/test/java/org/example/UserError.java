package org.example;

/** A user's own exception, of a package outside Canopy's serialization allow-list. */
public final class UserError extends RuntimeException {

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
