package dev.canopy.examples;

import dev.canopy.examples.Example.Result;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WordCountExampleTest extends GridTestSupport {

    @Test
    void whenDefaultTextIsCounted_thenCountsEqualSingleThreadedCount() throws Exception {
        // given: the default text, over a megabyte of real prose
        List<GridNode> nodes = startCluster(3);
        List<String> lines = WordCountExample.defaultText();
        long bytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
        assertTrue(bytes > 1_000_000, "the default text has only " + bytes + " bytes");
        Map<String, Long> expected = countWithCharacterLoop(lines);
        Output out = new Output();

        // when
        Result result = new WordCountExample().run(nodes.get(0), List.of(), out.stream());

        // then
        assertTrue(result.ok(), result.summary() + "\n" + out.text());
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(result.summary().startsWith(String.format("%,d words (%,d distinct)", expectedTotal,
                expected.size())), result.summary());
        assertTrue(out.text().contains("Dickens"), out.text());
        assertFalse(nodes.get(0).hazelcast().getDistributedObjects().stream()
                .anyMatch(o -> o.getName().equals(WordCountExample.MAP)), "the example removes its map");
    }

    @Test
    void whenLinesAreInTheMap_thenJobReturnsEachWordsCount() {
        // given
        List<GridNode> nodes = startCluster(2);
        List<String> lines = List.of("The cat and the hat.", "", "THE END -- the end?", "naïve café, l'été");
        WordCountExample.load(nodes.get(1).hazelcast().getMap(WordCountExample.MAP), lines);

        // when
        Map<String, Long> counts = await(nodes.get(0).submit(WordCountExample.job()).result());

        // then
        Map<String, Long> expected = new HashMap<>(Map.of("the", 4L, "cat", 1L, "and", 1L, "hat", 1L, "end", 2L,
                "naïve", 1L, "café", 1L, "l", 1L, "été", 1L));
        assertEquals(expected, counts);
    }

    @Test
    void whenFileIsGiven_thenItIsCounted(@TempDir Path dir) throws Exception {
        // given
        List<GridNode> nodes = startCluster(2);
        Path file = dir.resolve("text.txt");
        Files.writeString(file, "\uFEFFone two two\nthree three three\n", StandardCharsets.UTF_8);
        Output out = new Output();

        // when
        Result result = new WordCountExample().run(nodes.get(0), List.of("--file", file.toString(), "--top", "2"),
                out.stream());

        // then
        assertTrue(result.ok(), result.summary());
        assertTrue(result.summary().startsWith("6 words (3 distinct) in 2 lines"), result.summary());
        assertTrue(out.text().matches("(?s).*three\\s+3\\s+two\\s+2\\s+OK.*"), out.text());
    }

    @Test
    void whenFileDoesNotExist_thenErrorNamesIt(@TempDir Path dir) {
        // given
        Path missing = dir.resolve("missing.txt");

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WordCountExample().run(null, List.of("--file", missing.toString()), new Output().stream()));

        // then
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    /** An independent reference: lower-cased letter runs, found one character at a time. */
    private static Map<String, Long> countWithCharacterLoop(List<String> lines) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            int start = -1;
            for (int i = 0; i <= lower.length(); i++) {
                boolean letter = i < lower.length() && Character.isLetter(lower.charAt(i));
                if (letter && start < 0) {
                    start = i;
                } else if (!letter && start >= 0) {
                    counts.merge(lower.substring(start, i), 1L, Long::sum);
                    start = -1;
                }
            }
        }
        return counts;
    }
}
