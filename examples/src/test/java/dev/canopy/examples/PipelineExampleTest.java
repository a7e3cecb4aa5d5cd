package dev.canopy.examples;

import dev.canopy.examples.Example.Result;
import dev.canopy.examples.PipelineExample.WordCount;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.JobInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PipelineExampleTest extends GridTestSupport {

    private static final Pattern LETTERS = Pattern.compile("\\p{L}+");

    @Test
    void whenDefaultTextRuns_thenEachStagePrintsItsExactValues() throws Exception {
        // given: the expected values, from plain streams over the same text
        List<GridNode> nodes = startCluster(3);
        List<String> lines = WordCountExample.defaultText();
        Map<String, Long> counts = countWithStreams(lines);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Map.Entry<String, Long>> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(20)
                .toList();
        Map<Integer, Long> lengths = counts.entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getKey().codePointCount(0, e.getKey().length()), TreeMap::new,
                Collectors.summingLong(Map.Entry::getValue)));
        Output out = new Output();

        // when
        Result result = new PipelineExample().run(nodes.get(0), List.of(), out.stream());

        // then: the words stage ends first, then each of the three prints its exact values
        String text = out.text();
        List<String> printed = text.lines().toList();
        assertTrue(result.ok(), result.summary() + "\n" + text);
        assertTrue(result.summary().startsWith(String.format("%,d words (%,d distinct) in %,d lines", total,
                counts.size(), lines.size())), result.summary());
        int words = printed.indexOf(String.format("stage words: %,d distinct words in %,d lines", counts.size(),
                lines.size()));
        assertTrue(words >= 0, text);
        assertTrue(printed.indexOf(String.format("stage total: %,d words", total)) > words, text);

        int topAt = printed.indexOf("stage top: the 20 most frequent words");
        assertTrue(topAt > words, text);
        List<String> expectedTop = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            expectedTop.add(String.format("  %3d  %-12s %,8d", i + 1, top.get(i).getKey(), top.get(i).getValue()));
        }
        assertEquals(expectedTop, printed.subList(topAt + 1, topAt + 21), text);
        assertEquals("the", top.get(0).getKey(), "the most frequent word of the text");

        int lengthsAt = printed.indexOf("stage lengths: words by length in letters, each occurrence counted");
        assertTrue(lengthsAt > words, text);
        List<Integer> lengthKeys = List.copyOf(lengths.keySet());
        for (int i = 0; i < lengthKeys.size(); i++) {
            String line = printed.get(lengthsAt + 1 + i);
            String head = String.format("  %3d  %,8d  ", lengthKeys.get(i), lengths.get(lengthKeys.get(i)));
            assertTrue(line.startsWith(head), "expected a line starting '" + head + "' but was '" + line + "'");
        }
        assertTrue(printed.stream().anyMatch(l -> l.matches("pipeline: graph completed in [\\d,]+ ms: 4 stages")), text);
        assertFalse(nodes.get(0).hazelcast().getDistributedObjects().stream()
                .anyMatch(o -> o.getName().equals(PipelineExample.MAP)), "the example removes its map");
    }

    @Test
    void whenGraphIsSubmittedThroughAClient_thenEveryStageHasItsExactResultAndItsOwnJob() {
        // given: a few lines in the map, loaded through a client
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        WordCountExample.load(client.hazelcast().getMap(PipelineExample.MAP),
                List.of("A cat and the hat.", "the end, THE END", "naïve café"));

        // when
        GraphHandle handle = client.submit(PipelineExample.graph(3, Duration.ofMinutes(2)));
        Map<String, Object> results = await(handle.result());

        // then: the 3, end 2, then the words counted once in alphabetical order; 11 words in all
        assertEquals(List.of("words", "top", "total", "lengths"), List.copyOf(results.keySet()));
        assertEquals(Map.of("the", 3L, "end", 2L, "a", 1L, "and", 1L, "cat", 1L, "hat", 1L, "naïve", 1L, "café", 1L),
                results.get("words"));
        assertEquals(List.of(new WordCount("the", 3), new WordCount("end", 2), new WordCount("a", 1)),
                results.get("top"));
        assertEquals(11L, results.get("total"));
        assertEquals(Map.of(1, 1L, 3, 8L, 4, 1L, 5, 1L), results.get("lengths"));
        Map<String, JobInfo> stages = handle.stages();
        assertEquals(List.of("words", "top", "total", "lengths"), List.copyOf(stages.keySet()));
        stages.forEach((stage, job) -> assertEquals("pipeline-" + stage, job.name()));
    }

    @Test
    void whenTopIsZero_thenErrorNamesTheOptionAndItsRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PipelineExample().run(null, List.of("--top", "0"), new Output().stream()));

        assertEquals("pipeline: --top must be between 1 and 10000 but was 0", e.getMessage());
    }

    /** An independent reference: the runs of letters of each lower-cased line, grouped and counted. */
    private static Map<String, Long> countWithStreams(List<String> lines) {
        return lines.stream()
                .flatMap(line -> LETTERS.matcher(line.toLowerCase(Locale.ROOT)).results().map(MatchResult::group))
                .collect(Collectors.groupingBy(word -> word, Collectors.counting()));
    }
}
