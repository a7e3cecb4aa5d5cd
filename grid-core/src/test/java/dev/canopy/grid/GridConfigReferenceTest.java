package dev.canopy.grid;

import dev.canopy.grid.internal.config.ConfigDef;
import dev.canopy.grid.internal.config.ConfigKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the reference in {@code config/} (README.md, node.yaml, client.yaml) in step with the key
 * definitions in {@link GridConfig} and {@link GridClientConfig}. Runs with grid-core as working directory.
 */
class GridConfigReferenceTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");

    @Test
    void whenReadmeIsRead_thenNodeTableListsEveryKeyAsDefined() throws IOException {
        // when
        Map<String, List<String>> rows = readmeTable("## Node keys");

        // then
        assertTableMatches(GridConfig.DEFINITION, rows);
    }

    @Test
    void whenReadmeIsRead_thenClientTableListsEveryKeyAsDefined() throws IOException {
        // when
        Map<String, List<String>> rows = readmeTable("## Client keys");

        // then
        assertTableMatches(GridClientConfig.DEFINITION, rows);
    }

    @Test
    void whenNodeYamlIsLoaded_thenItHoldsTheDefaults() {
        // when
        GridConfig loaded = GridConfig.load(CONFIG_DIR.resolve("node.yaml"));

        // then
        assertEquals(GridConfig.defaults().asMap(), loaded.asMap());
    }

    @Test
    void whenClientYamlIsLoaded_thenItHoldsTheDefaults() {
        // when
        GridClientConfig loaded = GridClientConfig.load(CONFIG_DIR.resolve("client.yaml"));

        // then
        assertEquals(GridClientConfig.defaults().asMap(), loaded.asMap());
    }

    @Test
    void whenNodeYamlIsRead_thenEveryKeyIsThereUnderItsDoc() throws IOException {
        // when
        List<List<String>> paragraphs = paragraphs(CONFIG_DIR.resolve("node.yaml"));

        // then
        assertEveryKeyUnderItsDoc(GridConfig.DEFINITION, paragraphs);
    }

    @Test
    void whenClientYamlIsRead_thenEveryKeyIsThereUnderItsDoc() throws IOException {
        // when
        List<List<String>> paragraphs = paragraphs(CONFIG_DIR.resolve("client.yaml"));

        // then
        assertEveryKeyUnderItsDoc(GridClientConfig.DEFINITION, paragraphs);
    }

    private static void assertTableMatches(ConfigDef def, Map<String, List<String>> rows) {
        List<String> names = def.keys().stream().map(ConfigKey::name).toList();
        assertEquals(names, List.copyOf(rows.keySet()), "README rows, in order");
        for (ConfigKey<?> key : def.keys()) {
            List<String> cells = rows.get(key.name());
            String where = "README row of " + key.name();
            assertEquals(6, cells.size(), where);
            assertEquals(key.type().name(), cells.get(1), where + ": type");
            assertEquals(key.validator().description(), cells.get(2), where + ": allowed");
            assertEquals(key.defaultText(), unquote(cells.get(3)), where + ": default");
            assertEquals(key.envVar(), unquote(cells.get(4)), where + ": env var");
            assertEquals(key.doc(), cells.get(5), where + ": meaning");
        }
    }

    private static void assertEveryKeyUnderItsDoc(ConfigDef def, List<List<String>> paragraphs) {
        for (ConfigKey<?> key : def.keys()) {
            Pattern keyLine = Pattern.compile("^#?\\s*" + key.name() + ":.*");
            List<String> paragraph = paragraphs.stream()
                    .filter(p -> p.stream().anyMatch(line -> keyLine.matcher(line).matches()))
                    .findFirst().orElse(null);
            assertNotNull(paragraph, key.name() + " is missing");
            assertTrue(paragraph.contains("# " + key.doc()), key.name() + " lacks its doc as a comment: " + paragraph);
        }
    }

    /** Rows of the first table after {@code heading}, by key name (backticks removed), cells trimmed. */
    private static Map<String, List<String>> readmeTable(String heading) throws IOException {
        List<String> lines = Files.readAllLines(CONFIG_DIR.resolve("README.md"));
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith(heading)).findFirst()
                .orElseThrow(() -> new AssertionError("README has no heading " + heading)));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            List<String> cells = Arrays.stream(line.substring(1, line.lastIndexOf('|')).split("\\|", -1))
                    .map(String::strip).toList();
            if (cells.get(0).equals("key") || cells.get(0).startsWith("---")) {
                continue;
            }
            assertFalse(rows.containsKey(unquote(cells.get(0))), "duplicate README row " + cells.get(0));
            rows.put(unquote(cells.get(0)), cells);
        }
        return rows;
    }

    private static List<List<String>> paragraphs(Path file) throws IOException {
        List<List<String>> paragraphs = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    paragraphs.add(current);
                    current = new ArrayList<>();
                }
            } else {
                current.add(line);
            }
        }
        if (!current.isEmpty()) {
            paragraphs.add(current);
        }
        return paragraphs;
    }

    private static String unquote(String cell) {
        return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
    }
}
