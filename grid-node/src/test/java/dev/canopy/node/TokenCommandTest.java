package dev.canopy.node;

import dev.canopy.grid.GridConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code grid token}: the HTTP token of the key that {@code grid node} would read, or a clear failure without one. */
class TokenCommandTest {

    private static final String SECRET = "a-test-cluster-key-of-at-least-32-characters";

    @TempDir
    Path dir;

    @Test
    void whenTheConfigNamesAKeyFile_thenPrintsTheTokenOfThatKey() throws IOException {
        // given
        Path keyFile = keyFile(SECRET + "\n");
        Path config = write("node.yaml", "clusterKeyFile: " + keyFile + "\n");

        // when
        CommandRun run = CommandRun.of("token", "--config", config.toString());

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        String expected = GridConfig.load(config).httpToken().orElseThrow();
        assertEquals(List.of(expected), run.outLines(), run::toString);
        assertTrue(expected.matches("[0-9a-f]{64}"), expected);
        assertEquals("", run.err(), run::toString);
    }

    @Test
    void whenTheKeyIsInTheEnvironment_thenPrintsItsToken() {
        // given
        Map<String, String> env = Map.of("CANOPY_CLUSTER_KEY", SECRET);

        // when
        CommandRun run = CommandRun.withEnv(env, "token");

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertEquals(List.of(GridConfig.defaults().withOverrides(env, new Properties()).httpToken().orElseThrow()),
                run.outLines(), run::toString);
        assertEquals(List.of(GridConfig.defaults().clusterKey(SECRET).httpToken().orElseThrow()), run.outLines());
    }

    @Test
    void whenNoKeyIsSet_thenFailsSayingWhichKeyToSet() {
        // when
        CommandRun run = CommandRun.of("token");

        // then
        assertEquals(GridCommand.FAILED, run.code(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertEquals(List.of("token: no cluster key is set in the default configuration or the environment, so the"
                + " HTTP API asks for no token: set clusterKeyFile (or CANOPY_CLUSTER_KEY) to give the grid a key"),
                run.errLines());
    }

    @Test
    void whenTheKeyFileIsMissing_thenBadInputNamingIt() throws IOException {
        // given
        Path missing = dir.resolve("no-such-key");
        Path config = write("node.yaml", "clusterKeyFile: " + missing + "\n");

        // when
        CommandRun run = CommandRun.of("token", "--config", config.toString());

        // then
        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.errLines().get(0).startsWith("clusterKeyFile " + missing + " cannot be read"), run::toString);
    }

    @Test
    void whenReadsNeedTheTokenAndTheKeyComesFromTheEnvironment_thenTheConfigIsAccepted() throws IOException {
        // given a file that closes reads, and the key only in the environment
        Path config = write("node.yaml", "httpReadsNeedToken: true\n");

        // when
        CommandRun run = CommandRun.withEnv(Map.of("CANOPY_CLUSTER_KEY", SECRET), "token", "--config",
                config.toString());

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertEquals(List.of(GridConfig.defaults().clusterKey(SECRET).httpToken().orElseThrow()), run.outLines());
    }

    private Path keyFile(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("cluster.key"), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
