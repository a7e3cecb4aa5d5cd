package dev.canopy.grid;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridConfigTest {

    @TempDir
    Path dir;

    // ---- defaults and setters

    @Test
    void whenDefaults_thenEveryKeyHasItsDocumentedDefault() {
        // when
        GridConfig config = GridConfig.defaults();

        // then
        assertEquals("canopy", config.clusterName());
        assertEquals("127.0.0.1", config.bindAddress());
        assertEquals(5701, config.port());
        assertTrue(config.portAutoIncrement());
        assertEquals(List.of("127.0.0.1"), config.members());
        assertEquals(1, config.backupCount());
        assertEquals(0, config.minClusterSize());
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), 1024), config.workerThreads());
        assertEquals(16, config.fanOut());
        assertEquals(0, config.leafSize());
        assertEquals(true, config.driveOwnJobs());
        assertEquals(Duration.ofHours(1), config.resultTtl());
        assertEquals(Duration.ofSeconds(1), config.heartbeatInterval());
        assertEquals(Duration.ofSeconds(8), config.maxNoHeartbeat());
        assertTrue(config.httpEnabled());
        assertEquals(8080, config.httpPort());
        assertTrue(config.metricsEnabled());
        assertEquals(64 << 20, config.maxResultBytes());
        assertEquals(Duration.ofSeconds(10), config.cancelGrace());
        assertFalse(config.exitGuard());
        assertEquals(List.of(), config.serialAllow());
        assertTrue(config.shipCode());
        assertEquals(List.of(), config.codePaths());
        assertEquals(Duration.ofHours(1), config.codeTtl());
        assertEquals(List.of(), config.httpHosts());
        assertFalse(config.httpReadsNeedToken());
        assertEquals(100, config.metricsJobNames());
        assertEquals(Duration.ofMinutes(10), config.metricsJobExpiry());
    }

    @Test
    void whenEverySetterGetsAnAllowedValue_thenGettersReturnIt() {
        // given
        GridConfig config = GridConfig.defaults();

        // when
        GridConfig returned = config.clusterName("prod").bindAddress("0.0.0.0").port(6000)
                .portAutoIncrement(false).members(List.of("10.0.0.1", "10.0.0.2:6000")).backupCount(2).minClusterSize(3)
                .workerThreads(3).fanOut(4).leafSize(100).driveOwnJobs(false).tuneAsyncCallbacks(false)
                .resultTtl(Duration.ofMinutes(5))
                .heartbeatInterval(Duration.ofMillis(500)).maxNoHeartbeat(Duration.ofSeconds(3))
                .maxResultBytes(4096).cancelGrace(Duration.ofSeconds(2)).exitGuard(true)
                .clusterKeyFile("/etc/canopy/key").serialAllow(List.of("com.acme.model.", "com.acme.Order")).shipCode(false).codePaths(List.of("lib/extra.jar")).codeTtl(Duration.ofMinutes(30))
                .httpEnabled(false).httpPort(0).httpHosts(List.of("grid.example.com", "[::1]")).httpReadsNeedToken(true)
                .metricsEnabled(false).metricsJobNames(5).metricsJobExpiry(Duration.ofMinutes(1));

        // then
        assertSame(config, returned);
        assertEquals(expectedCustomValues(), config.asMap());
    }

    static Stream<Arguments> valuesNotAllowed() {
        return Stream.of(
                rejects(c -> c.fanOut(1), "fanOut must be an integer >= 2 but was 1"),
                rejects(c -> c.port(0), "port must be an integer from 1 to 65535 but was 0"),
                rejects(c -> c.port(65536), "port must be an integer from 1 to 65535 but was 65536"),
                rejects(c -> c.backupCount(7), "backupCount must be an integer from 0 to 6 but was 7"),
                rejects(c -> c.backupCount(-1), "backupCount must be an integer from 0 to 6 but was -1"),
                rejects(c -> c.minClusterSize(-1), "minClusterSize must be an integer from 0 to 1000 but was -1"),
                rejects(c -> c.workerThreads(0), "workerThreads must be an integer from 1 to 1024 but was 0"),
                rejects(c -> c.workerThreads(1025), "workerThreads must be an integer from 1 to 1024 but was 1025"),
                rejects(c -> c.leafSize(-1), "leafSize must be an integer >= 0 but was -1"),
                rejects(c -> c.httpPort(-1), "httpPort must be an integer from 0 to 65535 but was -1"),
                rejects(c -> c.maxResultBytes(1023), "maxResultBytes must be an integer >= 1024 but was 1023"),
                rejects(c -> c.cancelGrace(Duration.ZERO), "cancelGrace must be a duration > 0 but was 0s"),
                rejects(c -> c.metricsJobNames(-1), "metricsJobNames must be an integer from 0 to 10000 but was -1"),
                rejects(c -> c.httpHosts(List.of("evil.example:8080")), "httpHosts must be a list of host names or "
                        + "addresses without ports (\"grid.example.com\", \"10.0.0.5\", \"[::1]\") but was [\"evil.example:8080\"]"),
                rejects(c -> c.serialAllow(List.of("com.acme.*")), "serialAllow must be a list of class-name prefixes:"
                        + " a package ending in a dot (\"com.acme.model.\") or a class name (\"com.acme.Order\"), no wildcards"
                        + " but was [\"com.acme.*\"]"),
                rejects(c -> c.serialAllow(List.of("")), "serialAllow must be a list of class-name prefixes:"
                        + " a package ending in a dot (\"com.acme.model.\") or a class name (\"com.acme.Order\"), no wildcards"
                        + " but was [\"\"]"),
                rejects(c -> c.clusterName(" "), "clusterName must be a non-blank string but was \" \""),
                rejects(c -> c.clusterName(null), "clusterName must be a non-blank string but was null"),
                rejects(c -> c.bindAddress(""), "bindAddress must be a non-blank string but was \"\""),
                rejects(c -> c.members(List.of()),
                        "members must be a non-empty list of \"host\" or \"host:port\" entries but was []"),
                rejects(c -> c.members(List.of("a", " ")),
                        "members must be a non-empty list of \"host\" or \"host:port\" entries but was [\"a\", \" \"]"),
                rejects(c -> c.resultTtl(Duration.ZERO), "resultTtl must be a duration > 0 but was 0s"),
                rejects(c -> c.heartbeatInterval(Duration.ofSeconds(-1)),
                        "heartbeatInterval must be a duration > 0 but was PT-1S"),
                rejects(c -> c.maxNoHeartbeat(null), "maxNoHeartbeat must be a duration > 0 but was null"));
    }

    @ParameterizedTest
    @MethodSource("valuesNotAllowed")
    void whenSetterGetsValueNotAllowed_thenThrowsNamingKeyValueAndWhatIsAllowed(Consumer<GridConfig> setter,
                                                                                 String message) {
        // given
        GridConfig config = GridConfig.defaults();

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> setter.accept(config));

        // then
        assertEquals(message, e.getMessage());
        assertEquals(GridConfig.defaults().asMap(), config.asMap(), "a refused value leaves the config unchanged");
    }

    @Test
    void whenMembersListChangesAfterSet_thenConfigKeepsItsOwnCopy() {
        // given
        List<String> members = new ArrayList<>(List.of("a:5701"));
        GridConfig config = GridConfig.defaults().members(members);

        // when
        members.add("b:5701");

        // then
        assertEquals(List.of("a:5701"), config.members());
        assertThrows(UnsupportedOperationException.class, () -> config.members().add("c"));
    }

    @Test
    void whenCopyIsChanged_thenOriginalKeepsItsValues() {
        // given
        GridConfig original = GridConfig.defaults().fanOut(4);

        // when
        GridConfig copy = original.copy().fanOut(8);

        // then
        assertEquals(4, original.fanOut());
        assertEquals(8, copy.fanOut());
    }

    @Test
    void whenAsMap_thenEveryKeyMapsToItsValueInReferenceOrder() {
        // when
        Map<String, Object> map = GridConfig.defaults().asMap();

        // then
        assertEquals(List.of("clusterName", "bindAddress", "port", "portAutoIncrement", "members", "backupCount", "minClusterSize",
                "workerThreads", "fanOut", "leafSize", "driveOwnJobs", "tuneAsyncCallbacks", "resultTtl", "heartbeatInterval",
                "maxNoHeartbeat", "maxResultBytes", "cancelGrace", "exitGuard", "clusterKeyFile", "serialAllow", "shipCode", "codePaths", "codeTtl",
                "httpEnabled", "httpPort", "httpHosts", "httpReadsNeedToken", "metricsEnabled", "metricsJobNames", "metricsJobExpiry"),
                List.copyOf(map.keySet()));
        assertEquals(16, map.get("fanOut"));
        assertEquals(Duration.ofHours(1), map.get("resultTtl"));
        assertThrows(UnsupportedOperationException.class, () -> map.put("fanOut", 3));
    }

    @Test
    void whenToString_thenEveryKeyIsShownWithItsValue() {
        // given
        GridConfig config = GridConfig.defaults().workerThreads(4);

        // when
        String text = config.toString();

        // then
        assertEquals("GridConfig{clusterName=canopy, bindAddress=127.0.0.1, port=5701, portAutoIncrement=true, "
                + "members=[127.0.0.1], backupCount=1, minClusterSize=0, workerThreads=4, fanOut=16, leafSize=0, driveOwnJobs=true, tuneAsyncCallbacks=true, resultTtl=1h, "
                + "heartbeatInterval=1s, maxNoHeartbeat=8s, maxResultBytes=67108864, cancelGrace=10s, exitGuard=false, clusterKeyFile=, "
                + "serialAllow=[], shipCode=true, codePaths=[], codeTtl=1h, "
                + "httpEnabled=true, "
                + "httpPort=8080, httpHosts=[], httpReadsNeedToken=false, metricsEnabled=true, metricsJobNames=100, metricsJobExpiry=10m}",
                text);
    }

    // ---- combinations

    @ParameterizedTest
    @CsvSource({"1000, 500, 1s, 500ms", "2000, 2000, 2s, 2s"})
    void whenMaxNoHeartbeatIsNotLongerThanHeartbeatInterval_thenValidateThrowsNamingBoth(
            long heartbeatMillis, long maxNoHeartbeatMillis, String heartbeat, String maxNoHeartbeat) {
        // given
        GridConfig config = GridConfig.defaults()
                .heartbeatInterval(Duration.ofMillis(heartbeatMillis))
                .maxNoHeartbeat(Duration.ofMillis(maxNoHeartbeatMillis));

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);

        // then
        assertEquals("maxNoHeartbeat must be longer than heartbeatInterval (" + heartbeat + ") but was "
                + maxNoHeartbeat + ": raise maxNoHeartbeat or lower heartbeatInterval", e.getMessage());
    }

    @Test
    void whenMaxNoHeartbeatIsLongerThanHeartbeatInterval_thenValidateReturnsTheConfig() {
        // given
        GridConfig config = GridConfig.defaults()
                .heartbeatInterval(Duration.ofMillis(200)).maxNoHeartbeat(Duration.ofMillis(201));

        // when
        GridConfig validated = config.validate();

        // then
        assertSame(config, validated);
    }

    // ---- loading a file

    @Test
    void whenYamlFileSetsEveryKey_thenLoadReturnsThoseValues() throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.yaml", """
                clusterName: prod
                bindAddress: 0.0.0.0
                port: 6000
                portAutoIncrement: false
                members:
                  - 10.0.0.1
                  - 10.0.0.2:6000
                backupCount: 2
                minClusterSize: 3
                workerThreads: 3
                fanOut: 4
                leafSize: 100
                driveOwnJobs: false
                tuneAsyncCallbacks: false
                resultTtl: 5m
                heartbeatInterval: 500ms
                maxNoHeartbeat: PT3S
                maxResultBytes: 4096
                cancelGrace: 2s
                exitGuard: true
                clusterKeyFile: /etc/canopy/key
                serialAllow: [com.acme.model., com.acme.Order]
                shipCode: false
                codePaths: [lib/extra.jar]
                codeTtl: 30m
                httpEnabled: false
                httpPort: 0
                httpHosts: [grid.example.com, "[::1]"]
                httpReadsNeedToken: true
                metricsEnabled: false
                metricsJobNames: 5
                metricsJobExpiry: 1m
                """);

        // when
        GridConfig config = GridConfig.load(file);

        // then
        assertEquals(expectedCustomValues(), config.asMap());
    }

    @Test
    void whenJsonFileSetsKeys_thenLoadReadsThemAndKeepsDefaultsForTheRest() throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.json", """
                {"fanOut": 4, "members": ["a:5701", "b:5701"], "resultTtl": "2d", "httpEnabled": false}
                """);

        // when
        GridConfig config = GridConfig.load(file);

        // then
        assertEquals(4, config.fanOut());
        assertEquals(List.of("a:5701", "b:5701"), config.members());
        assertEquals(Duration.ofDays(2), config.resultTtl());
        assertFalse(config.httpEnabled());
        assertEquals(5701, config.port());
    }

    @Test
    void whenFileIsEmpty_thenLoadReturnsDefaults() throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.yaml", "# nothing set\n");

        // when
        GridConfig config = GridConfig.load(file);

        // then
        assertEquals(GridConfig.defaults().asMap(), config.asMap());
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "90s, 90000", "5m, 300000", "1h, 3600000", "2d, 172800000",
            "PT1H, 3600000", "pt1.5s, 1500", "P1D, 86400000"})
    void whenDurationIsWrittenInASimpleOrIsoForm_thenLoadReadsIt(String written, long millis) throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.yaml", "resultTtl: " + written + "\n");

        // when
        GridConfig config = GridConfig.load(file);

        // then
        assertEquals(Duration.ofMillis(millis), config.resultTtl());
    }

    @Test
    void whenFileHasMisspelledKey_thenLoadFailsNamingFileKeyValueAndClosestKey() throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.yaml", "fanout: 4\n");

        // when
        GridConfigException e = ConfigChecks.loadFails(GridConfig::load, file);

        // then
        ConfigChecks.assertOneLine(e);
        assertTrue(e.getMessage().startsWith(file + ": key 'fanout' is unknown (value 4): did you mean 'fanOut'? "
                + "known keys are clusterName, bindAddress, port,"), e.getMessage());
        assertTrue(e.getMessage().endsWith("httpPort, httpHosts, httpReadsNeedToken, metricsEnabled, metricsJobNames, metricsJobExpiry"),
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "fanOut: sixteen        | key 'fanOut': value \"sixteen\" is not allowed: must be an integer >= 2",
            "fanOut: 2.5            | key 'fanOut': value 2.5 is not allowed: must be an integer >= 2",
            "port: 99999999999      | key 'port': value 99999999999 is not allowed: must be an integer from 1 to 65535",
            "httpEnabled: maybe     | key 'httpEnabled': value \"maybe\" is not allowed: must be true or false",
            "members: {a: 1}        | key 'members': value {\"a\":1} is not allowed: must be a non-empty list of "
                    + "\"host\" or \"host:port\" entries, as a list or comma-separated text",
            "resultTtl: 60          | key 'resultTtl': value 60 is not allowed: must be a duration > 0, "
                    + "written as 500ms, 90s, 5m, 1h, 2d or ISO-8601 such as PT1H",
            "resultTtl: soon        | key 'resultTtl': value \"soon\" is not allowed: must be a duration > 0, "
                    + "written as 500ms, 90s, 5m, 1h, 2d or ISO-8601 such as PT1H",
            "fanOut:                | key 'fanOut': value null is not allowed: must be an integer >= 2"})
    void whenValueHasWrongType_thenLoadFailsNamingFileKeyValueAndWhatIsAllowed(String line, String expected)
            throws IOException {
        ConfigChecks.assertLoadFails(GridConfig::load, dir, "node.yaml", line + "\n", expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "fanOut: 1           | key 'fanOut': value 1 is not allowed: must be an integer >= 2",
            "backupCount: 7      | key 'backupCount': value 7 is not allowed: must be an integer from 0 to 6",
            "httpPort: 70000     | key 'httpPort': value 70000 is not allowed: must be an integer from 0 to 65535",
            "resultTtl: 0s       | key 'resultTtl': value \"0s\" is not allowed: must be a duration > 0",
            "clusterName: '  '   | key 'clusterName': value \"  \" is not allowed: must be a non-blank string",
            "members: []         | key 'members': value [] is not allowed: must be a non-empty list of "
                    + "\"host\" or \"host:port\" entries"})
    void whenValueIsOutOfRange_thenLoadFailsNamingFileKeyValueAndWhatIsAllowed(String line, String expected)
            throws IOException {
        ConfigChecks.assertLoadFails(GridConfig::load, dir, "node.yaml", line + "\n", expected);
    }

    static Stream<Arguments> filesThatCannotBeUsed() {
        return Stream.of(
                cannotUse("a key like no other", "colour: red\n", "key 'colour' is unknown (value \"red\"): known keys "
                        + "are clusterName, bindAddress, port, portAutoIncrement, members, backupCount, minClusterSize, workerThreads, "
                        + "fanOut, leafSize, driveOwnJobs, tuneAsyncCallbacks, resultTtl, heartbeatInterval, maxNoHeartbeat, maxResultBytes, "
                        + "cancelGrace, exitGuard, clusterKeyFile, serialAllow, shipCode, codePaths, codeTtl, httpEnabled, httpPort, httpHosts, httpReadsNeedToken, metricsEnabled, metricsJobNames, metricsJobExpiry"),
                cannotUse("malformed YAML", "fanOut: 4\nmembers: [a, b\n", "malformed YAML at line 2, column 15: "
                        + "while parsing a flow sequence; expected ',' or ']', but got <stream end>"),
                cannotUse("a repeated key", "fanOut: 4\nfanOut: 8\n",
                        "malformed YAML at line 2, column 7: Duplicate field 'fanOut'"),
                cannotUse("a list, not a map", "- fanOut\n- 4\n",
                        "expected a map of key: value but found array [\"fanOut\",4]"),
                cannotUse("heartbeat keys that break their combination", "heartbeatInterval: 2s\nmaxNoHeartbeat: 1s\n",
                        "maxNoHeartbeat must be longer than heartbeatInterval (2s) but was 1s: "
                                + "raise maxNoHeartbeat or lower heartbeatInterval"));
    }

    @ParameterizedTest
    @MethodSource("filesThatCannotBeUsed")
    void whenFileCannotBeUsed_thenLoadFailsNamingFileAndProblem(String content, String expected) throws IOException {
        ConfigChecks.assertLoadFails(GridConfig::load, dir, "node.yaml", content, expected);
    }

    @Test
    void whenFileDoesNotExist_thenLoadFailsNamingTheFile() {
        // given
        Path file = dir.resolve("missing.yaml");

        // when
        GridConfigException e = ConfigChecks.loadFails(GridConfig::load, file);

        // then
        assertEquals(file + ": cannot read the file: no such file", e.getMessage());
        assertFalse(e.isRetriable());
    }

    @Test
    void whenPathIsADirectory_thenLoadFailsNamingIt() {
        // when
        GridConfigException e = ConfigChecks.loadFails(GridConfig::load, dir);

        // then
        ConfigChecks.assertOneLine(e);
        assertTrue(e.getMessage().startsWith(dir + ": cannot read the file: "), e.getMessage());
    }

    @Test
    void whenJsonIsMalformed_thenLoadFailsNamingFileLineAndProblem() throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "node.json", "{\"fanOut\": 4,, }");

        // when
        GridConfigException e = ConfigChecks.loadFails(GridConfig::load, file);

        // then
        ConfigChecks.assertOneLine(e);
        assertTrue(e.getMessage().startsWith(file + ": malformed JSON at line 1, column 14: Unexpected character"),
                e.getMessage());
    }

    // ---- overrides

    @Test
    void whenEnvVarSetsAKey_thenCopyHasItAndOriginalIsUnchanged() {
        // given
        GridConfig original = GridConfig.defaults();

        // when
        GridConfig overridden = original.withOverrides(Map.of("CANOPY_FAN_OUT", "4"), new Properties());

        // then
        assertEquals(4, overridden.fanOut());
        assertEquals(16, original.fanOut());
    }

    @Test
    void whenEnvVarAndSystemPropertySetTheSameKey_thenSystemPropertyWins() {
        // given
        Properties properties = new Properties();
        properties.setProperty("canopy.fanOut", "8");

        // when
        GridConfig config = GridConfig.defaults().withOverrides(Map.of("CANOPY_FAN_OUT", "4"), properties);

        // then
        assertEquals(8, config.fanOut());
    }

    @Test
    void whenOverridesSetKeysOfEveryType_thenEachIsReadFromText() {
        // given
        Map<String, String> env = Map.of(
                "CANOPY_CLUSTER_NAME", "prod",
                "CANOPY_MEMBERS", "10.0.0.1, 10.0.0.2:6000",
                "CANOPY_PORT_AUTO_INCREMENT", "FALSE",
                "CANOPY_MAX_NO_HEARTBEAT", "PT3S",
                "CANOPY_RESULT_TTL", "5m",
                "CANOPY_SERIAL_ALLOW", "com.acme.model.,com.acme.Order");
        Properties properties = new Properties();
        properties.setProperty("canopy.heartbeatInterval", "500ms");
        properties.setProperty("canopy.httpPort", "0");

        // when
        GridConfig config = GridConfig.defaults().withOverrides(env, properties);

        // then
        assertEquals("prod", config.clusterName());
        assertEquals(List.of("10.0.0.1", "10.0.0.2:6000"), config.members());
        assertFalse(config.portAutoIncrement());
        assertEquals(Duration.ofSeconds(3), config.maxNoHeartbeat());
        assertEquals(Duration.ofMinutes(5), config.resultTtl());
        assertEquals(List.of("com.acme.model.", "com.acme.Order"), config.serialAllow());
        assertEquals(Duration.ofMillis(500), config.heartbeatInterval());
        assertEquals(0, config.httpPort());
    }

    @Test
    void whenEnvVarValueIsNotAllowed_thenFailsNamingVariableKeyValueAndWhatIsAllowed() {
        ConfigChecks.assertOverridesFail(GridConfig.defaults()::withOverrides, Map.of("CANOPY_FAN_OUT", "1"),
                new Properties(), "environment variable CANOPY_FAN_OUT: key 'fanOut': value \"1\" is not allowed: "
                        + "must be an integer >= 2");
    }

    @Test
    void whenSystemPropertyValueHasWrongType_thenFailsNamingPropertyKeyValueAndWhatIsAllowed() {
        // given
        Properties properties = new Properties();
        properties.setProperty("canopy.resultTtl", "soon");

        // when / then
        ConfigChecks.assertOverridesFail(GridConfig.defaults()::withOverrides, Map.of(), properties,
                "system property canopy.resultTtl: key 'resultTtl': value \"soon\" is not allowed: "
                        + "must be a duration > 0, written as 500ms, 90s, 5m, 1h, 2d or ISO-8601 such as PT1H");
    }

    @Test
    void whenVariablesAndPropertiesNameNoKey_thenTheyAreIgnored() {
        // given
        Properties properties = new Properties();
        properties.setProperty("canopy.configFile", "x.yaml");
        properties.setProperty("fanOut", "4");

        // when
        GridConfig config = GridConfig.defaults()
                .withOverrides(Map.of("CANOPY_HOME", "/opt/canopy", "FAN_OUT", "4"), properties);

        // then
        assertEquals(GridConfig.defaults().asMap(), config.asMap());
    }

    // ---- helpers

    private static Arguments rejects(Consumer<GridConfig> setter, String message) {
        return Arguments.of(setter, message);
    }

    private static Arguments cannotUse(String what, String content, String expected) {
        return Arguments.of(Named.of(what, content), expected);
    }

    private static Map<String, Object> expectedCustomValues() {
        return Map.ofEntries(
                Map.entry("clusterName", "prod"), Map.entry("bindAddress", "0.0.0.0"), Map.entry("port", 6000),
                Map.entry("portAutoIncrement", false), Map.entry("members", List.of("10.0.0.1", "10.0.0.2:6000")),
                Map.entry("backupCount", 2), Map.entry("minClusterSize", 3), Map.entry("workerThreads", 3), Map.entry("fanOut", 4),
                Map.entry("leafSize", 100), Map.entry("driveOwnJobs", false), Map.entry("tuneAsyncCallbacks", false),
                Map.entry("resultTtl", Duration.ofMinutes(5)),
                Map.entry("heartbeatInterval", Duration.ofMillis(500)), Map.entry("maxNoHeartbeat", Duration.ofSeconds(3)),
                Map.entry("maxResultBytes", 4096), Map.entry("cancelGrace", Duration.ofSeconds(2)),
                Map.entry("exitGuard", true), Map.entry("clusterKeyFile", "/etc/canopy/key"),
                Map.entry("serialAllow", List.of("com.acme.model.", "com.acme.Order")), Map.entry("shipCode", false),
                Map.entry("codePaths", List.of("lib/extra.jar")), Map.entry("codeTtl", Duration.ofMinutes(30)),
                Map.entry("httpEnabled", false), Map.entry("httpPort", 0),
                Map.entry("httpHosts", List.of("grid.example.com", "[::1]")), Map.entry("httpReadsNeedToken", true),
                Map.entry("metricsEnabled", false),
                Map.entry("metricsJobNames", 5), Map.entry("metricsJobExpiry", Duration.ofMinutes(1)));
    }
}
