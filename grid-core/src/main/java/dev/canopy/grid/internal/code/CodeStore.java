package dev.canopy.grid.internal.code;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.canopy.grid.internal.store.GridMaps;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Shipped code in the grid, stored by content, so that the same code is uploaded once and outlives
 * whoever uploaded it.
 *
 * <p>Design note. Each {@link CodeEntry} is stored under its SHA-256 in two maps with the grid's
 * backups ({@link GridMaps#configure}): its bytes in {@code canopy.code.chunks}, cut into chunks of
 * at most {@link #CHUNK_BYTES} under the keys {@code "<sha256>/<index>"}, so no map entry is over
 * 1 MiB however large a jar is; and a small {@link Stored} record (name, size, chunk count, last
 * used) in {@code canopy.code.entries}. An upload writes every chunk before the record, so a record
 * present means the entry is complete, and an upload that finds the record writes nothing (it only
 * marks the entry used). Reading verifies the SHA-256 of what it read.
 *
 * <p>Nothing here holds state of its own, so any thread may call it, on a member or a client. Code
 * no unfinished job uses is removed by {@link #expire}, which members call; jobs in use keep theirs
 * fresh through {@link #touch}. Every step on a record is an entry processor, atomic on its key.
 * Chunks are not: should an upload of code start just as {@code expire} removed the same code's
 * record and before it deleted its chunks, {@code expire} could delete chunks the upload wrote. The
 * upload therefore checks its chunks after writing the record and writes them again if one is gone
 * (a few times at most); what is left is a pause of {@code expire} between two deletes longer than a
 * whole upload.
 */
public final class CodeStore {

    /**
     * The most bytes of code in one chunk: 1 MiB less 1 KiB, so that the stored entry (the chunk,
     * its array header and its key) stays within 1 MiB.
     */
    static final int CHUNK_BYTES = (1 << 20) - 1024;

    /** How often an upload writes an entry again when {@code expire} took chunks it had just written. */
    private static final int UPLOAD_ATTEMPTS = 3;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Opens the bytes of an entry to upload; called only for entries the grid lacks. */
    @FunctionalInterface
    public interface Content {
        InputStream open(CodeEntry entry) throws IOException;
    }

    private final IMap<String, byte[]> chunks;
    private final IMap<String, Object> entries;
    private final boolean member;
    private final LongSupplier clock;

    /** A store over {@code hz}'s maps, a member's or a client's, marking uploads with the wall clock. */
    public CodeStore(HazelcastInstance hz) {
        this(hz, System::currentTimeMillis);
    }

    CodeStore(HazelcastInstance hz, LongSupplier clock) {
        this.chunks = hz.getMap(GridMaps.CODE_CHUNKS);
        this.entries = hz.getMap(GridMaps.CODE_ENTRIES);
        this.member = hz.getLocalEndpoint() instanceof Member;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------- upload

    /**
     * Uploads the entries of {@code code} the grid lacks, opening only those through {@code content},
     * and marks the others used now. Returns the bytes uploaded: 0 when the grid had all of them.
     *
     * @throws IllegalArgumentException when the bytes of an entry differ from its SHA-256 or size
     *         (nothing of that entry is left in the grid)
     * @throws UncheckedIOException when {@code content} cannot be read
     */
    public long upload(CodeSet code, Content content) {
        Objects.requireNonNull(content, "content");
        long uploaded = 0;
        for (CodeEntry entry : code.entries()) {
            uploaded += upload(entry, content);
        }
        return uploaded;
    }

    /** {@link #upload(CodeSet, Content)} of one entry held in memory. */
    public long upload(CodeEntry entry, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return upload(entry, e -> new ByteArrayInputStream(bytes));
    }

    /** {@link #upload(CodeSet, Content)} of one entry held in a file (a jar), read only if the grid lacks it. */
    public long upload(CodeEntry entry, Path file) {
        Objects.requireNonNull(file, "file");
        return upload(entry, e -> Files.newInputStream(file));
    }

    private long upload(CodeEntry entry, Content content) {
        check(entry);
        for (int attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
            long now = clock.getAsLong();
            if (Boolean.TRUE.equals(entries.executeOnKey(entry.sha256(), new Touch(now)))) {
                return 0;
            }
            int count = writeChunks(entry, content);
            Stored stored = new Stored(entry.name(), entry.size(), count, now);
            entries.putIfAbsent(entry.sha256(), stored);
            if (allChunksPresent(entry.sha256(), count)) {
                return entry.size();
            }
            // expire deleted chunks of this entry while they were written: whatever record is there
            // now names an incomplete entry, so remove it, and the next attempt writes it all again
            entries.delete(entry.sha256());
        }
        throw new CodeUnavailableException(describe(entry) + " lost chunks while it was uploaded, "
                + UPLOAD_ATTEMPTS + " times: the code expired meanwhile each time; submit again");
    }

    /** Writes the chunks of {@code entry} from {@code content}, checking its hash and size; returns their count. */
    private int writeChunks(CodeEntry entry, Content content) {
        MessageDigest digest = sha256();
        long total = 0;
        int count = 0;
        try (InputStream in = content.open(entry)) {
            byte[] chunk;
            while ((chunk = in.readNBytes(CHUNK_BYTES)).length > 0) {
                total += chunk.length;
                if (total > entry.size()) {
                    break;
                }
                digest.update(chunk);
                chunks.set(chunkKey(entry.sha256(), count++), chunk);
            }
        } catch (IOException e) {
            deleteChunks(entry.sha256(), count);
            throw new UncheckedIOException("could not read " + describe(entry) + " to upload it: " + e.getMessage(), e);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        if (total != entry.size() || !hash.equals(entry.sha256())) {
            deleteChunks(entry.sha256(), count);
            throw new IllegalArgumentException(describe(entry) + " does not match its bytes: they are "
                    + (total > entry.size() ? "more than " + entry.size() + " bytes" : total + " bytes with SHA-256 " + hash)
                    + "; give the entry the size and SHA-256 of the bytes uploaded");
        }
        return count;
    }

    private boolean allChunksPresent(String sha256, int count) {
        for (int i = 0; i < count; i++) {
            if (!chunks.containsKey(chunkKey(sha256, i))) {
                return false;
            }
        }
        return true;
    }

    // --------------------------------------------------------------------------------------- read

    /**
     * The bytes of {@code entry}, read from the grid and verified against its SHA-256.
     *
     * @throws CodeUnavailableException naming the entry, when it is not in the grid, a chunk is
     *         missing, or the bytes read differ from its hash or size
     */
    public byte[] read(CodeEntry entry) {
        check(entry);
        if (entry.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(describe(entry) + " is too large to read into memory: read it to a file with readTo");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) entry.size());
        try {
            readTo(entry, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream never throws
        }
        return out.toByteArray();
    }

    /**
     * Writes the bytes of {@code entry} to {@code out}, one chunk at a time, and verifies them at the
     * end: on an exception, discard what was written.
     *
     * @throws CodeUnavailableException naming the entry, as {@link #read} does
     * @throws IOException when {@code out} fails
     */
    public void readTo(CodeEntry entry, OutputStream out) throws IOException {
        check(entry);
        Object value = entries.get(entry.sha256());
        if (!(value instanceof Stored stored)) {
            throw new CodeUnavailableException(describe(entry) + " is not in the grid (" + GridMaps.CODE_ENTRIES
                    + " has no record of it): it was never uploaded, or it expired after no unfinished job used it");
        }
        if (stored.size() != entry.size()) {
            throw new CodeUnavailableException(describe(entry) + " is stored with a size of " + stored.size()
                    + " bytes, not " + entry.size() + ": the entry's size is wrong");
        }
        MessageDigest digest = sha256();
        long total = 0;
        for (int i = 0; i < stored.chunks(); i++) {
            byte[] chunk = chunks.get(chunkKey(entry.sha256(), i));
            if (chunk == null) {
                throw new CodeUnavailableException("chunk " + i + " of " + stored.chunks() + " of " + describe(entry)
                        + " is missing from " + GridMaps.CODE_CHUNKS + ": the grid lost it (more members failed at"
                        + " once than backupCount allows); remove the entry's record from " + GridMaps.CODE_ENTRIES
                        + " and submit again, which uploads it again");
            }
            digest.update(chunk);
            total += chunk.length;
            out.write(chunk);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        if (total != entry.size() || !hash.equals(entry.sha256())) {
            throw new CodeUnavailableException(describe(entry) + " read from the grid does not match its hash: its "
                    + total + " bytes have SHA-256 " + hash + " (altered or damaged in the grid); remove the entry's"
                    + " record from " + GridMaps.CODE_ENTRIES + " and submit again, which uploads it again");
        }
    }

    // ---------------------------------------------------------------------------- time-to-live

    /** Marks every entry of {@code code} used at {@code now}, so {@link #expire} keeps it for another ttl. */
    public void touch(CodeSet code, long now) {
        Set<String> keys = new HashSet<>();
        for (CodeEntry entry : code.entries()) {
            keys.add(check(entry).sha256());
        }
        if (!keys.isEmpty()) {
            entries.executeOnKeys(keys, new Touch(now));
        }
    }

    /**
     * Removes the entries, record and chunks, whose SHA-256 is not in {@code inUse} and that were
     * neither uploaded nor touched within {@code ttlMillis} before {@code now}. On a member, only the
     * entries whose record it owns, so every member may call it for its own; on a client, all of them.
     *
     * @param inUse the SHA-256 of every entry of the code of unfinished jobs ({@link #hashesOf})
     * @return how many entries were removed
     */
    public int expire(Set<String> inUse, long ttlMillis, long now) {
        Objects.requireNonNull(inUse, "inUse");
        if (ttlMillis < 0) {
            throw new IllegalArgumentException("ttlMillis must be ≥ 0 but was " + ttlMillis);
        }
        Set<String> candidates = new HashSet<>(member ? entries.localKeySet() : entries.keySet());
        candidates.removeAll(inUse);
        if (candidates.isEmpty()) {
            return 0;
        }
        Map<String, Object> removed = entries.executeOnKeys(candidates, new RemoveIfStale(ttlMillis, now));
        int count = 0;
        for (Map.Entry<String, Object> e : removed.entrySet()) {
            // the record went first, so a reader or an upload never finds a record without its chunks
            if (e.getValue() instanceof Stored stored) {
                deleteChunks(e.getKey(), stored.chunks());
                count++;
            }
        }
        return count;
    }

    /** The SHA-256 of every entry of {@code codeSets}: what {@link #expire} keeps. */
    public static Set<String> hashesOf(Iterable<CodeSet> codeSets) {
        Set<String> hashes = new HashSet<>();
        for (CodeSet set : codeSets) {
            for (CodeEntry entry : set.entries()) {
                hashes.add(entry.sha256());
            }
        }
        return hashes;
    }

    // ------------------------------------------------------------------------------------ helpers

    static String chunkKey(String sha256, int index) {
        return sha256 + "/" + index;
    }

    private void deleteChunks(String sha256, int count) {
        for (int i = 0; i < count; i++) {
            chunks.delete(chunkKey(sha256, i));
        }
    }

    private static CodeEntry check(CodeEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (entry.sha256() == null || !SHA256.matcher(entry.sha256()).matches()) {
            throw new IllegalArgumentException("the SHA-256 of code entry '" + entry.name()
                    + "' must be 64 lower-case hex digits but was '" + entry.sha256() + "'");
        }
        if (entry.size() < 0) {
            throw new IllegalArgumentException("the size of " + describe(entry) + " must be ≥ 0 but was " + entry.size());
        }
        return entry;
    }

    private static String describe(CodeEntry entry) {
        return "code entry '" + entry.name() + "' (SHA-256 " + entry.sha256() + ")";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }

    // ------------------------------------------------------------------------------ grid values

    /** The record of a complete entry in {@code canopy.code.entries}: written after all its chunks. */
    record Stored(String name, long size, int chunks, long lastUsed) implements Serializable {
    }

    /**
     * Marks a record used at {@code now} (never earlier than it was) and answers whether there was
     * one. A value that is no {@link Stored} (not Canopy's) counts as none.
     */
    record Touch(long now) implements EntryProcessor<String, Object, Boolean>, Serializable {
        @Override
        public Boolean process(Map.Entry<String, Object> entry) {
            if (!(entry.getValue() instanceof Stored stored)) {
                return false;
            }
            if (stored.lastUsed() < now) {
                entry.setValue(new Stored(stored.name(), stored.size(), stored.chunks(), now));
            }
            return true;
        }
    }

    /** Removes a record last used {@code ttlMillis} or more before {@code now}, and returns it; else null. */
    record RemoveIfStale(long ttlMillis, long now) implements EntryProcessor<String, Object, Object>, Serializable {
        @Override
        public Object process(Map.Entry<String, Object> entry) {
            if (entry.getValue() instanceof Stored stored && now - stored.lastUsed() >= ttlMillis) {
                entry.setValue(null);
                return stored;
            }
            return null;
        }
    }
}
