package dev.canopy.grid.internal.trust;

/**
 * What a member refuses before it deserializes or acts on it: bytes or a record not signed with
 * the cluster's key. The message says why, without the key.
 */
public final class NotSignedException extends RuntimeException {
    public NotSignedException(String message) {
        super(message);
    }
}
