package dev.canopy.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration that cannot be used stops {@code grid node} (and the client commands) before
 * anything starts: exit code 2 and exactly one line on standard error naming the file, the key,
 * the value and what is allowed.
 */
class BadConfigTest {

    @TempDir
    Path dir;

    @Test
    void whenNodeConfigHasUnknownKey_thenOneLineNamingFileKeyValueAndTheKnownKeys() throws IOException {
        // given
        Path file = write("node.yaml", "clusterName: test\nfanout: 8\n");

        // when
        String line = nodeConfigError(file);

        // then
        assertTrue(line.startsWith(file + ": "), line);
        assertTrue(line.contains("key 'fanout' is unknown (value 8)"), line);
        assertTrue(line.contains("did you mean 'fanOut'?"), line);
        assertTrue(line.contains("known keys are clusterName, "), line);
    }

    @Test
    void whenNodeConfigHasValueOfWrongType_thenOneLineNamingFileKeyValueAndType() throws IOException {
        Path file = write("node.yaml", "port: lots\n");

        String line = nodeConfigError(file);
        assertEquals(file + ": key 'port': value \"lots\" is not allowed: must be an integer from 1 to 65535", line);
    }

    @Test
    void whenNodeConfigHasDurationOfWrongForm_thenOneLineNamingTheAcceptedForms() throws IOException {
        Path file = write("node.yaml", "resultTtl: soon\n");

        String line = nodeConfigError(file);
        assertTrue(line.startsWith(file + ": key 'resultTtl': value \"soon\" is not allowed: "), line);
        assertTrue(line.contains("90s"), line);
    }

    @Test
    void whenNodeConfigHasValueOutOfRange_thenOneLineNamingFileKeyValueAndRange() throws IOException {
        Path file = write("node.yaml", "fanOut: 1\n");

        assertEquals(file + ": key 'fanOut': value 1 is not allowed: must be an integer >= 2", nodeConfigError(file));
    }

    @Test
    void whenNodeConfigHasPortOutOfRange_thenOneLineNamingTheRange() throws IOException {
        Path file = write("node.yaml", "port: 70000\n");

        assertEquals(file + ": key 'port': value 70000 is not allowed: must be an integer from 1 to 65535",
                nodeConfigError(file));
    }

    @Test
    void whenNodeConfigCombinesKeysBadly_thenOneLineNamingBothKeysAndTheFix() throws IOException {
        Path file = write("node.yaml", "heartbeatInterval: 5s\nmaxNoHeartbeat: 5s\n");

        String line = nodeConfigError(file);
        assertTrue(line.startsWith(file + ": maxNoHeartbeat must be longer than heartbeatInterval (5s) but was 5s"),
                line);
    }

    @Test
    void whenReadsNeedTheTokenWithoutAKey_thenOneLineNamingBothKeys() throws IOException {
        Path file = write("node.yaml", "httpReadsNeedToken: true\n");

        assertEquals(file + " with CANOPY_* and canopy.* overrides: httpReadsNeedToken is true but no cluster key is"
                + " set, so there is no token to ask for: set clusterKeyFile (or CANOPY_CLUSTER_KEY), or set"
                + " httpReadsNeedToken to false", nodeConfigError(file));
    }

    @Test
    void whenNodeConfigFileIsMissing_thenOneLineNamingTheFile() {
        Path file = dir.resolve("nowhere.yaml");

        assertEquals(file + ": cannot read the file: no such file", nodeConfigError(file));
    }

    @Test
    void whenNodeConfigFileIsADirectory_thenOneLineNamingIt() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("config.yaml"));

        String line = nodeConfigError(notAFile);
        assertTrue(line.startsWith(notAFile + ": cannot read the file"), line);
    }

    @Test
    void whenNodeConfigIsMalformedYaml_thenOneLineNamingFileAndPlace() throws IOException {
        Path file = write("node.yaml", "fanOut: [8\nport: 5701\n");

        String line = nodeConfigError(file);
        assertTrue(line.startsWith(file + ": malformed YAML"), line);
    }

    @Test
    void whenEnvironmentOverrideIsOutOfRange_thenOneLineNamingTheVariableKeyAndValue() {
        CommandRun run = CommandRun.withEnv(Map.of("CANOPY_FAN_OUT", "0"), "node");

        assertEquals("environment variable CANOPY_FAN_OUT: key 'fanOut': value \"0\" is not allowed:"
                + " must be an integer >= 2", singleErrorLine(run));
    }

    @Test
    void whenOverrideBreaksACombination_thenOneLineNamingTheFileAndOverrides() throws IOException {
        Path file = write("node.yaml", "heartbeatInterval: 2s\n");

        CommandRun run = CommandRun.withEnv(Map.of("CANOPY_MAX_NO_HEARTBEAT", "1s"), "node", "--config", file.toString());

        String line = singleErrorLine(run);
        assertTrue(line.startsWith(file + " with CANOPY_* and canopy.* overrides: maxNoHeartbeat must be longer"), line);
    }

    @Test
    void whenStatusClientConfigHasUnknownKey_thenOneLineAndExitTwo() throws IOException {
        Path file = write("client.yaml", "clusterName: x\nmember: 127.0.0.1\n");

        CommandRun run = CommandRun.of("status", "--client", file.toString());

        String line = singleErrorLine(run);
        assertTrue(line.startsWith(file + ": key 'member' is unknown (value \"127.0.0.1\")"), line);
    }

    @Test
    void whenSubmitClientConfigHasBadTimeout_thenOneLineAndExitTwo() throws IOException {
        Path file = write("client.json", "{\"connectTimeout\": \"-5s\"}");

        CommandRun run = CommandRun.of("submit", "pi", "--client", file.toString());

        String line = singleErrorLine(run);
        assertTrue(line.startsWith(file + ": key 'connectTimeout': value \"-5s\" is not allowed"), line);
    }

    @Test
    void whenDemoOverrideIsBad_thenOneLineAndExitTwoBeforeAnyNodeStarts() {
        CommandRun run = CommandRun.withEnv(Map.of("CANOPY_WORKER_THREADS", "many"), "demo");

        String line = singleErrorLine(run);
        assertTrue(line.startsWith("environment variable CANOPY_WORKER_THREADS: key 'workerThreads': value \"many\""),
                line);
        assertEquals("", run.out());
    }

    /** Runs {@code grid node --config file}; see {@link #singleErrorLine}. */
    private static String nodeConfigError(Path file) {
        return singleErrorLine(CommandRun.of("node", "--config", file.toString()));
    }

    /** Asserts exit code 2, nothing on standard output and exactly one line on standard error; returns it. */
    private static String singleErrorLine(CommandRun run) {
        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        List<String> lines = run.errLines();
        assertEquals(1, lines.size(), run::toString);
        assertEquals("", run.out(), run::toString);
        return lines.get(0);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
