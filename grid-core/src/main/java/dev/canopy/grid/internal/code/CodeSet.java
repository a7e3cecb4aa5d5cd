package dev.canopy.grid.internal.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** The code a job ships, in class-path order; its id is the SHA-256 of the entries' hashes joined by ','
 *  (so jobs with the same code share it). Empty when the job ships nothing. */
public record CodeSet(java.util.List<CodeEntry> entries) implements java.io.Serializable {

    /** The SHA-256 (lower-case hex) of the entries' hashes joined by ','. */
    public String id() {
        String joined = entries.stream().map(CodeEntry::sha256).collect(Collectors.joining(","));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java 17 JVM has", e);
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
