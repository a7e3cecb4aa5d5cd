package dev.canopy.grid.internal.code;

import com.hazelcast.map.IMap;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.internal.store.GridMaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shipped code in the grid: stored by content in chunks of at most 1 MiB, uploaded once, read back
 * verified, kept through the loss of a member, and removed once no job uses it for the ttl.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CodeStoreTest extends GridTestSupport {

    private static final int MiB = 1 << 20;

    /** Bytes standing for a jar, and their entry. */
    private record Blob(CodeEntry entry, byte[] bytes) {
        static Blob of(String name, int size, long seed) {
            byte[] bytes = new byte[size];
            new Random(seed).nextBytes(bytes);
            return new Blob(new CodeEntry(sha256(bytes), name, size), bytes);
        }
    }

    @Test
    void whenAnEntryOf2AndAHalfMiBIsUploaded_thenItIsStoredInThreeChunksNoneOver1MiB() {
        // given
        GridNode node = startCluster(2).get(0);
        CodeStore store = new CodeStore(node.hazelcast());
        Blob jar = Blob.of("big.jar", 5 * MiB / 2, 1);

        // when
        long uploaded = store.upload(jar.entry(), jar.bytes());

        // then
        assertEquals(5 * MiB / 2, uploaded);
        IMap<String, byte[]> chunks = node.hazelcast().getMap(GridMaps.CODE_CHUNKS);
        String sha = jar.entry().sha256();
        assertEquals(Set.of(sha + "/0", sha + "/1", sha + "/2"), chunks.keySet());
        byte[] joined = new byte[0];
        for (int i = 0; i < 3; i++) {
            String key = sha + "/" + i;
            byte[] chunk = chunks.get(key);
            assertTrue(chunk.length <= MiB, "chunk " + i + " holds " + chunk.length + " bytes");
            assertTrue(chunks.getEntryView(key).getCost() <= MiB,
                    "chunk " + i + " costs " + chunks.getEntryView(key).getCost() + " bytes");
            joined = concat(joined, chunk);
        }
        assertArrayEquals(jar.bytes(), joined);
        IMap<String, Object> entries = node.hazelcast().getMap(GridMaps.CODE_ENTRIES);
        CodeStore.Stored stored = (CodeStore.Stored) entries.get(sha);
        assertEquals("big.jar", stored.name());
        assertEquals(5 * MiB / 2, stored.size());
        assertEquals(3, stored.chunks());
    }

    @Test
    void whenTheSameCodeIsUploadedTwice_thenTheSecondUploadsNothingAndReadsNoContent() {
        // given
        GridNode node = startCluster(2).get(0);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Blob app = Blob.of("app.jar", 3 * MiB / 2, 2);
        Blob lib = Blob.of("lib.jar", 1000, 3);
        CodeSet code = new CodeSet(List.of(app.entry(), lib.entry()));
        AtomicInteger opened = new AtomicInteger();
        CodeStore.Content content = entry -> {
            opened.incrementAndGet();
            return new java.io.ByteArrayInputStream(entry.equals(app.entry()) ? app.bytes() : lib.bytes());
        };
        long first = new CodeStore(node.hazelcast()).upload(code, content);
        opened.set(0);

        // when
        long second = new CodeStore(client.hazelcast()).upload(code, content);

        // then
        assertEquals(3 * MiB / 2 + 1000, first);
        assertEquals(0, second);
        assertEquals(0, opened.get());
    }

    @Test
    void whenAnEntryIsReadBackElsewhere_thenItEqualsWhatWasUploaded() {
        // given
        List<GridNode> nodes = startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Blob jar = Blob.of("app.jar", 5 * MiB / 2, 4);
        new CodeStore(client.hazelcast()).upload(jar.entry(), jar.bytes());

        // when
        byte[] read = new CodeStore(nodes.get(1).hazelcast()).read(jar.entry());

        // then
        assertArrayEquals(jar.bytes(), read);
    }

    @Test
    void whenAChunkIsMissing_thenReadFailsNamingTheEntryAndTheChunk() {
        // given
        GridNode node = startCluster(2).get(0);
        CodeStore store = new CodeStore(node.hazelcast());
        Blob jar = Blob.of("app.jar", 5 * MiB / 2, 5);
        store.upload(jar.entry(), jar.bytes());
        String sha = jar.entry().sha256();
        node.hazelcast().getMap(GridMaps.CODE_CHUNKS).delete(sha + "/1");

        // when
        CodeUnavailableException e = assertThrows(CodeUnavailableException.class, () -> store.read(jar.entry()));

        // then
        assertEquals("chunk 1 of 3 of code entry 'app.jar' (SHA-256 " + sha + ") is missing from canopy.code.chunks:"
                + " the grid lost it (more members failed at once than backupCount allows); remove the entry's"
                + " record from canopy.code.entries and submit again, which uploads it again", e.getMessage());
    }

    @Test
    void whenAChunkDiffersFromTheHash_thenReadFailsNamingTheEntry() {
        // given
        GridNode node = startCluster(2).get(0);
        CodeStore store = new CodeStore(node.hazelcast());
        Blob jar = Blob.of("app.jar", 3 * MiB / 2, 6);
        store.upload(jar.entry(), jar.bytes());
        String sha = jar.entry().sha256();
        IMap<String, byte[]> chunks = node.hazelcast().getMap(GridMaps.CODE_CHUNKS);
        byte[] corrupt = chunks.get(sha + "/1");
        corrupt[0]++;
        chunks.set(sha + "/1", corrupt);
        byte[] corruptJar = jar.bytes().clone();
        corruptJar[CodeStore.CHUNK_BYTES]++;

        // when
        CodeUnavailableException e = assertThrows(CodeUnavailableException.class, () -> store.read(jar.entry()));

        // then
        assertEquals("code entry 'app.jar' (SHA-256 " + sha + ") read from the grid does not match its hash: its "
                + 3 * MiB / 2 + " bytes have SHA-256 " + sha256(corruptJar) + " (altered or damaged in the grid);"
                + " remove the entry's record from canopy.code.entries and submit again, which uploads it again",
                e.getMessage());
    }

    @Test
    void whenAnEntryWasNeverUploaded_thenReadFailsNamingIt() {
        // given
        GridNode node = startCluster(1).get(0);
        Blob jar = Blob.of("nowhere.jar", 10, 7);

        // when
        CodeUnavailableException e = assertThrows(CodeUnavailableException.class,
                () -> new CodeStore(node.hazelcast()).read(jar.entry()));

        // then
        assertEquals("code entry 'nowhere.jar' (SHA-256 " + jar.entry().sha256() + ") is not in the grid"
                + " (canopy.code.entries has no record of it): it was never uploaded, or it expired after no"
                + " unfinished job used it", e.getMessage());
    }

    @Test
    void whenTheBytesDifferFromTheEntry_thenUploadFailsAndLeavesNothing() {
        // given
        GridNode node = startCluster(1).get(0);
        Blob jar = Blob.of("app.jar", 3 * MiB / 2, 8);
        Blob other = Blob.of("other.jar", 3 * MiB / 2, 9);

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CodeStore(node.hazelcast()).upload(jar.entry(), other.bytes()));

        // then
        assertEquals("code entry 'app.jar' (SHA-256 " + jar.entry().sha256() + ") does not match its bytes: they are "
                + 3 * MiB / 2 + " bytes with SHA-256 " + other.entry().sha256()
                + "; give the entry the size and SHA-256 of the bytes uploaded", e.getMessage());
        assertEquals(0, node.hazelcast().getMap(GridMaps.CODE_CHUNKS).size());
        assertEquals(0, node.hazelcast().getMap(GridMaps.CODE_ENTRIES).size());
    }

    @Test
    void whenTheEntryHasNoValidHash_thenUploadFailsNamingTheValue() {
        // given
        GridNode node = startCluster(1).get(0);
        CodeEntry entry = new CodeEntry("ABC", "app.jar", 3);

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CodeStore(node.hazelcast()).upload(entry, new byte[3]));

        // then
        assertEquals("the SHA-256 of code entry 'app.jar' must be 64 lower-case hex digits but was 'ABC'", e.getMessage());
    }

    @Test
    void whenTheOwnerOfAChunkIsKilled_thenTheEntryIsStillRead() {
        // given backupCount 1 (the default) on three members
        List<GridNode> nodes = startCluster(3);
        Blob jar = Blob.of("app.jar", 5 * MiB / 2, 10);
        new CodeStore(nodes.get(0).hazelcast()).upload(jar.entry(), jar.bytes());
        cluster().awaitClusterSafe();
        UUID owner = ownerOf(jar.entry().sha256() + "/0");

        // when
        cluster().kill(owner);

        // then
        GridNode reader = cluster().liveNodes().get(0);
        assertNotEquals(owner, reader.memberId());
        assertArrayEquals(jar.bytes(), new CodeStore(reader.hazelcast()).read(jar.entry()));
    }

    @Test
    void whenExpireRuns_thenOnlyCodeNeitherInUseNorUsedWithinTheTtlIsRemoved() {
        // given uploads at time 0 and 600, one touched at 900, a ttl of 1000 and now 1500
        List<GridNode> nodes = startCluster(2);
        AtomicLong clock = new AtomicLong(0);
        CodeStore store = new CodeStore(nodes.get(0).hazelcast(), clock::get);
        Blob inUse = Blob.of("in-use.jar", 100, 11);
        Blob stale = Blob.of("stale.jar", CodeStore.CHUNK_BYTES + 10, 12);
        Blob touched = Blob.of("touched.jar", 100, 13);
        Blob fresh = Blob.of("fresh.jar", 100, 14);
        for (Blob blob : List.of(inUse, stale, touched)) {
            store.upload(blob.entry(), blob.bytes());
        }
        clock.set(600);
        store.upload(fresh.entry(), fresh.bytes());
        store.touch(new CodeSet(List.of(touched.entry())), 900);

        // when every member expires the entries it owns
        int removed = 0;
        for (GridNode node : nodes) {
            removed += new CodeStore(node.hazelcast()).expire(Set.of(inUse.entry().sha256()), 1000, 1500);
        }

        // then
        assertEquals(1, removed);
        IMap<String, Object> entries = nodes.get(0).hazelcast().getMap(GridMaps.CODE_ENTRIES);
        assertEquals(Set.of(inUse.entry().sha256(), touched.entry().sha256(), fresh.entry().sha256()), entries.keySet());
        IMap<String, byte[]> chunks = nodes.get(0).hazelcast().getMap(GridMaps.CODE_CHUNKS);
        assertEquals(Set.of(inUse.entry().sha256() + "/0", touched.entry().sha256() + "/0", fresh.entry().sha256() + "/0"),
                chunks.keySet());
        clock.set(1500);
        assertEquals(CodeStore.CHUNK_BYTES + 10, store.upload(stale.entry(), stale.bytes()));
    }

    // ------------------------------------------------------------------------------------ helpers

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
