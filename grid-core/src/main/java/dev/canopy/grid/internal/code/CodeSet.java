package dev.canopy.grid.internal.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** The code a job ships, in class-path order; its id is the SHA-256 of the entries' hashes joined by ','
 *  (so jobs with the same code share it). Empty when the job ships nothing. */
public record CodeSet(java.util.List<CodeEntry> entries) implements java.io.Serializable {

    /** Computed on each call (a few dozen bytes hashed): a record holds no derived state. */
    public String id() {
        String joined = entries.stream().map(CodeEntry::sha256).collect(Collectors.joining(","));
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(joined.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public boolean isEmpty() { return entries.isEmpty(); }
}
