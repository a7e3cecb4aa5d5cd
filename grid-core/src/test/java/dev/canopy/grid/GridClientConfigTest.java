package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridClientConfigTest {

    @Test
    void whenDefaults_thenEveryKeyHasItsDocumentedDefault() {
        // when
        GridClientConfig config = GridClientConfig.defaults();

        // then
        assertEquals("canopy", config.clusterName());
        assertEquals(List.of("127.0.0.1:5701"), config.members());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(List.of(), config.serialAllow());
        assertTrue(config.shipCode());
        assertEquals(List.of(), config.codePaths());
        assertEquals("GridClientConfig{clusterName=canopy, members=[127.0.0.1:5701], connectTimeout=10s, "
                + "clusterKeyFile=, serialAllow=[], shipCode=true, codePaths=[]}",
                config.toString());
    }

    @Test
    void whenSettersGetAllowedValues_thenGettersReturnThem() {
        // given
        GridClientConfig config = GridClientConfig.defaults();

        // when
        GridClientConfig returned = config.clusterName("prod").members(List.of("a:5701", "b"))
                .connectTimeout(Duration.ofMillis(1500)).clusterKeyFile("key.txt").serialAllow(List.of("com.acme.model."))
                .shipCode(false).codePaths(List.of("lib/extra.jar"));

        // then
        assertSame(config, returned);
        assertEquals(Map.of("clusterName", "prod", "members", List.of("a:5701", "b"),
                "connectTimeout", Duration.ofMillis(1500), "clusterKeyFile", "key.txt",
                "serialAllow", List.of("com.acme.model."), "shipCode", false, "codePaths", List.of("lib/extra.jar")),
                config.asMap());
    }

    @Test
    void whenSettersGetValuesNotAllowed_thenThrowNamingKeyValueAndWhatIsAllowed() {
        // given
        GridClientConfig config = GridClientConfig.defaults();

        // when
        IllegalArgumentException blankName = assertThrows(IllegalArgumentException.class,
                () -> config.clusterName(""));
        IllegalArgumentException noMembers = assertThrows(IllegalArgumentException.class,
                () -> config.members(List.of()));
        IllegalArgumentException zeroTimeout = assertThrows(IllegalArgumentException.class,
                () -> config.connectTimeout(Duration.ZERO));
        IllegalArgumentException wildcard = assertThrows(IllegalArgumentException.class,
                () -> config.serialAllow(List.of("com.acme.*")));

        // then
        assertEquals("clusterName must be a non-blank string but was \"\"", blankName.getMessage());
        assertEquals("members must be a non-empty list of \"host\" or \"host:port\" entries but was []",
                noMembers.getMessage());
        assertEquals("connectTimeout must be a duration > 0 but was 0s", zeroTimeout.getMessage());
        assertEquals("serialAllow must be a list of class-name prefixes: a package ending in a dot (\"com.acme.model.\")"
                + " or a class name (\"com.acme.Order\"), no wildcards but was [\"com.acme.*\"]", wildcard.getMessage());
        assertEquals(GridClientConfig.defaults().asMap(), config.asMap());
    }

    @Test
    void whenCopyIsChanged_thenOriginalKeepsItsValues() {
        // given
        GridClientConfig original = GridClientConfig.defaults();

        // when
        original.copy().clusterName("other");

        // then
        assertEquals("canopy", original.clusterName());
    }

    @Test
    void whenFileSetsEveryKey_thenLoadReturnsThoseValues(@TempDir Path dir) throws IOException {
        // given
        Path file = ConfigChecks.write(dir, "client.yaml", """
                clusterName: prod
                members: [10.0.0.1:5701, 10.0.0.2:5701]
                connectTimeout: 30s
                serialAllow:
                  - com.acme.model.
                """);

        // when
        GridClientConfig config = GridClientConfig.load(file);

        // then
        assertEquals("prod", config.clusterName());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), config.members());
        assertEquals(Duration.ofSeconds(30), config.connectTimeout());
        assertEquals(List.of("com.acme.model."), config.serialAllow());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a node-only key  | client.yaml | fanOut: 4              | key 'fanOut' is unknown (value 4): known keys "
                    + "are clusterName, members, connectTimeout, clusterKeyFile, serialAllow, shipCode, codePaths",
            "a misspelled key | client.yaml | connect_timeout: 5s    | key 'connect_timeout' is unknown (value \"5s\"): "
                    + "did you mean 'connectTimeout'? known keys are clusterName, members, connectTimeout, "
                    + "clusterKeyFile, serialAllow, shipCode, codePaths",
            "a wrong type     | client.yaml | connectTimeout: [1, 2] | key 'connectTimeout': value [1,2] is not "
                    + "allowed: must be a duration > 0, written as 500ms, 90s, 5m, 1h, 2d or ISO-8601 such as PT1H",
            "out of range     | client.yaml | connectTimeout: PT-5S  | key 'connectTimeout': value \"PT-5S\" is not "
                    + "allowed: must be a duration > 0",
            "malformed JSON   | client.json | {\"clusterName\": }     | malformed JSON at line 1, column 17: "
                    + "Unexpected character ('}' (code 125)): expected a value"})
    void whenFileHoldsWhatIsNotAllowed_thenLoadFailsNamingFileKeyValueAndWhatIsAllowed(
            String what, String name, String content, String expected, @TempDir Path dir)
            throws IOException {
        ConfigChecks.assertLoadFails(GridClientConfig::load, dir, name, content, expected);
    }

    @Test
    void whenFileIsMissing_thenLoadFailsNamingTheFile(@TempDir Path dir) {
        // given
        Path file = dir.resolve("nope.yaml");

        // when
        GridConfigException e = ConfigChecks.loadFails(GridClientConfig::load, file);

        // then
        assertEquals(file + ": cannot read the file: no such file", e.getMessage());
    }

    @Test
    void whenEnvAndSystemPropertiesOverride_thenSystemPropertyWinsAndOriginalIsUnchanged() {
        // given
        GridClientConfig original = GridClientConfig.defaults();
        Properties properties = new Properties();
        properties.setProperty("canopy.connectTimeout", "2m");

        // when
        GridClientConfig overridden = original.withOverrides(Map.of(
                "CANOPY_CONNECT_TIMEOUT", "1m",
                "CANOPY_MEMBERS", "[a:5701, b:5701]"), properties);

        // then
        assertEquals(Duration.ofMinutes(2), overridden.connectTimeout());
        assertEquals(List.of("a:5701", "b:5701"), overridden.members());
        assertEquals(GridClientConfig.defaults().asMap(), original.asMap());
    }

    @Test
    void whenOverrideValueIsNotAllowed_thenFailsNamingVariableKeyAndValue() {
        ConfigChecks.assertOverridesFail(GridClientConfig.defaults()::withOverrides,
                Map.of("CANOPY_CLUSTER_NAME", " "), new Properties(),
                "environment variable CANOPY_CLUSTER_NAME: key 'clusterName': value \" \" is not allowed: "
                        + "must be a non-blank string");
    }
}
