package dev.canopy.grid.internal.code;
/** The code a job ships, in class-path order; its id is the SHA-256 of the entries' hashes joined by ','
 *  (so jobs with the same code share it). Empty when the job ships nothing. */
public record CodeSet(java.util.List<CodeEntry> entries) implements java.io.Serializable {
    public String id() {
        String hashes = String.join(",", entries.stream().map(CodeEntry::sha256).toList());
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(hashes.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }
    public boolean isEmpty() { return entries.isEmpty(); }
}
