package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.code.CodeEntry;
import dev.canopy.grid.internal.code.CodeStore;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.spi.EngineProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Shipped code is stored by its SHA-256 ({@code canopy.code.entries}, {@code canopy.code.chunks}),
 * and anyone who reaches the grid can write those maps. A member verifies the bytes it fetches
 * against the hash the job names before it defines a class from them, so altered code is refused.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TamperedCodeTest extends GridTestSupport {

    @TempDir
    Path dir;

    @Test
    void whenAShippedJarsChunkWasAlteredAfterHashing_thenTheJobFailsNamingTheMismatchAndNoClassIsDefined()
            throws Exception {
        // given: a jar of a job's code, unique to this run so no member has it cached, uploaded as it is...
        List<GridNode> nodes = startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        String mark = "tampered." + UUID.randomUUID();
        Path jar = CompiledCode.jar(dir.resolve("tasks.jar"), Map.of("com.acme.Tampered", """
                package com.acme;
                import dev.canopy.grid.Job;
                import dev.canopy.grid.Reducers;
                public final class Tampered {
                    static {
                        System.setProperty("%s", "defined and initialized");
                    }
                    public static Job<Long, Long> job() {
                        return Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong()).name("tampered").build();
                    }
                }
                """.formatted(mark)), CompiledCode.entryOf(Job.class));
        byte[] bytes = Files.readAllBytes(jar);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        HazelcastInstance stranger = cluster().startStrangerClient();
        new CodeStore(stranger).upload(new CodeEntry(sha256, "tasks.jar", bytes.length), bytes);
        // ... then its one chunk ("<sha256>/0") altered in place, its record and hash left as they were
        byte[] altered = bytes.clone();
        altered[altered.length / 2] ^= 0x5A;
        stranger.<String, byte[]>getMap(GridMaps.CODE_CHUNKS).set(sha256 + "/0", altered);
        Job<Long, Long> job;
        try (URLClassLoader loader = CompiledCode.loader(jar)) {
            @SuppressWarnings("unchecked")
            Job<Long, Long> built = (Job<Long, Long>) loader.loadClass("com.acme.Tampered").getMethod("job").invoke(null);
            job = built;
        }
        System.clearProperty(mark); // building the job here initialized the class in the client's loader

        // when
        JobHandle<Long> handle = client.submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertJobFailed(failure, "job", 0);
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(altered));
        assertEquals("job " + handle.id() + " ('tampered') failed: member <id> cannot read its spec: code entry"
                + " 'tasks.jar' (SHA-256 " + sha256 + ") read from the grid does not match its hash: its " + bytes.length
                + " bytes have SHA-256 " + actual + " (altered or damaged in the grid); remove the entry's record from"
                + " canopy.code.entries and submit again, which uploads it again",
                failed.getMessage().replaceFirst("member [0-9a-f-]{36} ", "member <id> "));
        assertNull(System.getProperty(mark), "a member initialized a class of the altered jar");
        for (GridNode node : nodes) {
            assertEquals(Optional.of(0), EngineProbe.jobClassLoaders(node.hazelcast()),
                    "a member opened a class loader over the altered jar");
        }
    }
}
