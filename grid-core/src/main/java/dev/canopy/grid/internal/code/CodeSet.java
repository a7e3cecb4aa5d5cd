package dev.canopy.grid.internal.code;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The code a job ships, in class-path order. Its {@link #id()} is the SHA-256 of the entries' hashes
 * joined by ',', so jobs with the same code share it (and one class loader on each member). Empty
 * when the job ships nothing.
 */
public record CodeSet(List<CodeEntry> entries) implements Serializable {

    public CodeSet {
        entries = List.copyOf(entries);
    }

    /** Computed on each call (a few dozen bytes hashed): a record holds no derived state. */
    public String id() {
        String hashes = String.join(",", entries.stream().map(CodeEntry::sha256).toList());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(hashes.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
