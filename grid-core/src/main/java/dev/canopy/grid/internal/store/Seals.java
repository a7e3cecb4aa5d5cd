package dev.canopy.grid.internal.store;

import java.util.Base64;

/**
 * Seals kept in records as Base64 text rather than bytes: a record's {@code equals} compares an
 * array by identity, a string by content.
 */
final class Seals {

    private Seals() {
    }

    static String text(byte[] seal) {
        return seal == null ? null : Base64.getEncoder().encodeToString(seal);
    }

    /** Null for text that is no Base64 (a forger's), which then verifies as nothing does. */
    static byte[] bytes(String seal) {
        if (seal == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(seal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
