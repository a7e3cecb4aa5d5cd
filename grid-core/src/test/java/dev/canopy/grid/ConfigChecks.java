package dev.canopy.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the configuration tests ({@link GridConfigTest}, {@link GridClientConfigTest}) share: files
 * written into a test's temporary folder, and checks that a load or an override fails with exactly
 * the message expected.
 */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Loads {@code file} with {@code load}, which must throw {@link GridConfigException}; returns it. */
    static GridConfigException loadFails(Function<Path, ?> load, Path file) {
        return assertThrows(GridConfigException.class, () -> load.apply(file));
    }

    /**
     * Writes {@code content} to a file called {@code name} in {@code dir} and asserts that loading it
     * fails with exactly "the file's path: {@code expected}".
     */
    static void assertLoadFails(Function<Path, ?> load, Path dir, String name, String content, String expected)
            throws IOException {
        Path file = write(dir, name, content);
        assertEquals(file + ": " + expected, loadFails(load, file).getMessage());
    }

    /** Applies {@code env} and {@code properties} with {@code withOverrides}, which must fail with exactly {@code expected}. */
    static void assertOverridesFail(BiFunction<Map<String, String>, Properties, ?> withOverrides,
                                    Map<String, String> env, Properties properties, String expected) {
        GridConfigException e = assertThrows(GridConfigException.class, () -> withOverrides.apply(env, properties));
        assertEquals(expected, e.getMessage());
    }

    static void assertOneLine(Exception e) {
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
