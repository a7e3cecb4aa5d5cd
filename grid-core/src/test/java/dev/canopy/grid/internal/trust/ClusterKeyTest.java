package dev.canopy.grid.internal.trust;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterKeyTest {

    private static final String SECRET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String OLD = "old-secret-0123456789abcdefghijklmnop";
    private static final byte[] BYTES = "the spec".getBytes(StandardCharsets.UTF_8);

    @Test
    void whenSigned_thenOnlyTheSameUseSubjectAndBytesVerify() {
        // given
        ClusterKey key = ClusterKey.of(SECRET, List.of(), "test");

        // when
        byte[] signature = key.sign(ClusterKey.Use.SPEC, "job-1", BYTES);

        // then
        assertTrue(key.verifies(signature, ClusterKey.Use.SPEC, "job-1", BYTES));
        assertFalse(key.verifies(signature, ClusterKey.Use.RESULT, "job-1", BYTES), "another use");
        assertFalse(key.verifies(signature, ClusterKey.Use.SPEC, "job-2", BYTES), "another job");
        assertFalse(key.verifies(signature, ClusterKey.Use.SPEC, "job-1", "the spek".getBytes(StandardCharsets.UTF_8)));
        assertFalse(ClusterKey.of("x" + SECRET, List.of(), "test").verifies(signature, ClusterKey.Use.SPEC, "job-1",
                BYTES), "another key");
        assertFalse(key.verifies(null, ClusterKey.Use.SPEC, "job-1", BYTES));
    }

    @Test
    void whenPartsAreSplitDifferently_thenTheSignaturesDiffer() {
        // given
        ClusterKey key = ClusterKey.of(SECRET, List.of(), "test");

        // when
        byte[] ab = key.sign(ClusterKey.Use.COMMIT, "s", new byte[] {1, 2}, new byte[] {3});
        byte[] a = key.sign(ClusterKey.Use.COMMIT, "s", new byte[] {1}, new byte[] {2, 3});

        // then
        assertFalse(java.util.Arrays.equals(ab, a));
    }

    @Test
    void whenAKeyHasAPreviousOne_thenBothVerifyButOnlyTheNewSigns() {
        // given
        ClusterKey old = ClusterKey.of(OLD, List.of(), "test");
        ClusterKey rotating = ClusterKey.of(SECRET, List.of(OLD), "test");

        // when
        byte[] byOld = old.sign(ClusterKey.Use.SPEC, "j", BYTES);
        byte[] byRotating = rotating.sign(ClusterKey.Use.SPEC, "j", BYTES);

        // then
        assertTrue(rotating.verifies(byOld, ClusterKey.Use.SPEC, "j", BYTES));
        assertArrayEquals(ClusterKey.of(SECRET, List.of(), "test").sign(ClusterKey.Use.SPEC, "j", BYTES), byRotating);
        assertFalse(old.verifies(byRotating, ClusterKey.Use.SPEC, "j", BYTES));
        assertTrue(rotating.acceptsHttpToken(old.httpToken()));
    }

    @Test
    void whenShown_thenOnlyAFingerprintAppears() {
        // given
        ClusterKey key = ClusterKey.of(SECRET, List.of(), "test");

        // when
        String shown = key.toString();

        // then
        assertEquals("ClusterKey[" + key.fingerprint() + "]", shown);
        assertEquals(8, key.fingerprint().length());
        assertFalse(shown.contains(SECRET));
        assertEquals("ClusterKey[none]", ClusterKey.none().toString());
    }

    @Test
    void whenSecretIsShort_thenTheErrorNamesItsSourceAndTheFix() {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterKey.of("short", List.of(), "environment variable CANOPY_CLUSTER_KEY"));

        // then
        assertEquals("the cluster key from environment variable CANOPY_CLUSTER_KEY has 5 characters but needs at"
                + " least 32: use a random one, such as the output of `openssl rand -base64 32`", e.getMessage());
    }

    @Test
    void whenKeyFileHasCommentsAndAPreviousKey_thenTheFirstKeySignsAndTheNextVerifies(@TempDir Path dir)
            throws Exception {
        // given
        Path file = dir.resolve("cluster.key");
        Files.writeString(file, "# rotated 2026-12-01\n\n" + SECRET + "\n" + OLD + "\n");

        // when
        ClusterKey key = KeySources.resolve(null, file.toString(), "ignored-env-key-0123456789abcdefghijkl");

        // then
        assertArrayEquals(ClusterKey.of(SECRET, List.of(), "t").sign(ClusterKey.Use.SPEC, "j", BYTES),
                key.sign(ClusterKey.Use.SPEC, "j", BYTES));
        assertTrue(key.verifies(ClusterKey.of(OLD, List.of(), "t").sign(ClusterKey.Use.SPEC, "j", BYTES),
                ClusterKey.Use.SPEC, "j", BYTES));
    }

    @Test
    void whenKeyIsSetInCodeFileAndEnvironment_thenCodeWinsThenFileThenEnvironment(@TempDir Path dir)
            throws Exception {
        // given
        Path file = dir.resolve("cluster.key");
        Files.writeString(file, OLD + "\n");
        String env = "env-secret-0123456789abcdefghijklmnopq";

        // when
        ClusterKey inCode = KeySources.resolve(SECRET, file.toString(), env);
        ClusterKey fromFile = KeySources.resolve(null, file.toString(), env);
        ClusterKey fromEnv = KeySources.resolve(null, "", env);

        // then
        assertEquals(ClusterKey.of(SECRET, List.of(), "t").fingerprint(), inCode.fingerprint());
        assertEquals(ClusterKey.of(OLD, List.of(), "t").fingerprint(), fromFile.fingerprint());
        assertEquals(ClusterKey.of(env, List.of(), "t").fingerprint(), fromEnv.fingerprint());
        assertSame(ClusterKey.none(), KeySources.resolve(null, "", null));
    }

    @Test
    void whenKeyFileIsMissingOrEmpty_thenTheErrorNamesTheFileAndHowToMakeIt(@TempDir Path dir) throws Exception {
        // given
        Path missing = dir.resolve("nope.key");
        Path empty = dir.resolve("empty.key");
        Files.writeString(empty, "# nothing yet\n");

        // when
        IllegalArgumentException notThere = assertThrows(IllegalArgumentException.class,
                () -> KeySources.resolve(null, missing.toString(), null));
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> KeySources.resolve(null, empty.toString(), null));

        // then
        assertTrue(notThere.getMessage().startsWith("clusterKeyFile " + missing + " cannot be read ("));
        assertTrue(notThere.getMessage().endsWith("create it holding the key, for example with `openssl rand"
                + " -base64 32 > " + missing + "`"));
        assertEquals("clusterKeyFile " + empty + " holds no key: write the key on its first line, for example with"
                + " `openssl rand -base64 32 > " + empty + "`", noKey.getMessage());
    }

    @Test
    void whenSignedBytesAreOpened_thenOnlyTheRightKeyAndSubjectGetThePayload() {
        // given
        ClusterKey key = ClusterKey.of(SECRET, List.of(), "test");
        byte[] signed = Signed.sign(key, ClusterKey.Use.SPEC, "job-1", BYTES);

        // when
        byte[] opened = Signed.open(key, ClusterKey.Use.SPEC, "job-1", signed);

        // then
        assertArrayEquals(BYTES, opened);
        assertTrue(Signed.isSigned(signed));
        assertSame(BYTES, Signed.sign(ClusterKey.none(), ClusterKey.Use.SPEC, "job-1", BYTES), "no key: unchanged");
        assertEquals("not signed with this cluster's key",
                assertThrows(NotSignedException.class, () -> Signed.open(key, ClusterKey.Use.SPEC, "job-1", BYTES))
                        .getMessage());
        assertTrue(assertThrows(NotSignedException.class, () -> Signed.open(key, ClusterKey.Use.SPEC, "job-2",
                signed)).getMessage().contains("does not match its bytes for job-2"));
        assertEquals("it is signed with a cluster key, but this member has none: give every member the key"
                        + " (clusterKeyFile or CANOPY_CLUSTER_KEY)",
                assertThrows(NotSignedException.class, () -> Signed.open(ClusterKey.none(), ClusterKey.Use.SPEC,
                        "job-1", signed)).getMessage());
    }
}
