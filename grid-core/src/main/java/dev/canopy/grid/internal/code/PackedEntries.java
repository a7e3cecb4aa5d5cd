package dev.canopy.grid.internal.code;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Class-path entries as they are shipped (a jar's bytes, or a class folder packed as a jar by
 * {@link FolderJar}) and their SHA-256, remembered per JVM while the file or folder is unchanged:
 * a submitter scans the same entries job after job, and a member compares what a job ships with its
 * own class path, so neither packs or hashes an entry twice. An entry counts as changed when its
 * size or time of last change does, or, for a folder, the count, total size or latest change of
 * its files.
 */
final class PackedEntries {

    /** How long a member's view of its own class path is reused before its entries are looked at again. */
    private static final long OWN_CLASS_PATH_MILLIS = 5_000;

    private record Fingerprint(long files, long bytes, long lastModified) {
    }

    private record Packed(Fingerprint fingerprint, ShippedCode.Entry entry) {
    }

    private static final Map<Path, Packed> PACKED = new ConcurrentHashMap<>();
    private static volatile Set<String> ownHashes;
    private static volatile long ownHashesAt;

    private PackedEntries() {
    }

    /** The entry at {@code path}, packed and hashed, or as packed before if it has not changed since. */
    static ShippedCode.Entry of(Path path) {
        Path key = path.toAbsolutePath().normalize();
        Fingerprint now = fingerprint(key);
        Packed known = PACKED.get(key);
        if (known != null && known.fingerprint.equals(now)) {
            return known.entry;
        }
        ShippedCode.Entry entry = pack(key);
        PACKED.put(key, new Packed(now, entry));
        return entry;
    }

    /**
     * The SHA-256 of every entry of this JVM's class path ({@code java.class.path}), as it would be
     * shipped: code a job ships that this member has already is taken from the member's own loader.
     */
    static Set<String> ownClassPath() {
        long now = System.currentTimeMillis();
        Set<String> known = ownHashes;
        if (known != null && now - ownHashesAt < OWN_CLASS_PATH_MILLIS) {
            return known;
        }
        Set<String> hashes = new HashSet<>();
        String classPath = System.getProperty("java.class.path", "");
        for (String part : classPath.split(File.pathSeparator)) {
            Path path = Path.of(part);
            if (!part.isBlank() && (Files.isDirectory(path) || Files.isRegularFile(path))) {
                try {
                    hashes.add(of(path).entry().sha256());
                } catch (UncheckedIOException e) {
                    // an entry this JVM cannot read is one it cannot load from either
                }
            }
        }
        ownHashes = Set.copyOf(hashes);
        ownHashesAt = now;
        return ownHashes;
    }

    private static Fingerprint fingerprint(Path path) {
        try {
            if (!Files.isDirectory(path)) {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new Fingerprint(1, a.size(), a.lastModifiedTime().toMillis());
            }
            long[] sums = new long[3];
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).forEach(file -> {
                    try {
                        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                        sums[0]++;
                        sums[1] += a.size();
                        sums[2] = Math.max(sums[2], a.lastModifiedTime().toMillis());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            return new Fingerprint(sums[0], sums[1], sums[2]);
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read class-path entry " + path + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    private static ShippedCode.Entry pack(Path path) {
        try {
            byte[] bytes = Files.isDirectory(path) ? FolderJar.pack(path) : Files.readAllBytes(path);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new ShippedCode.Entry(new CodeEntry(sha256, path.getFileName().toString(), bytes.length),
                    path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path entry " + path + " to ship it with the job: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java 17 JVM has", e);
        }
    }
}
