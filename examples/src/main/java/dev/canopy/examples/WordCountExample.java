package dev.canopy.examples;

import com.hazelcast.map.IMap;
import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Word count over data that lives in the grid: work goes to its data.
 *
 * <p>The example loads a text into the IMap {@value #MAP}, one entry per line (key: the line
 * number from 1, value: the line), then runs a {@link Job#overMap over-map} job: each partition's
 * lines are counted on the member that owns the partition, so no line travels for the count. Each
 * task returns its line's word counts as a map; {@link Reducers#toMap} adds them up, on every
 * level of the job's tree. A word is a run of letters, lower-cased.
 *
 * <p>The text is {@code --file PATH} (UTF-8), or by default Charles Dickens' <i>The Old Curiosity
 * Shop</i> (public domain, about 1.2 MB in 23,665 lines), read from the class path: it ships as
 * {@value #DEFAULT_TEXT} in Apache Crunch's {@code org.apache.crunch:crunch-test} jar on Maven
 * Central. The check: the grid's counts equal a single-threaded count of the same lines, word for
 * word, and so do the totals. The example prints the ten most frequent words; {@code --top N}
 * prints another number. It replaces the map's contents and removes the map when it is done, so
 * two word counts must not run on one grid at once.
 */
public final class WordCountExample implements Example {

    /** The IMap holding the text, line number to line. */
    public static final String MAP = "wordcount.lines";
    /** The class-path resource read when no {@code --file} is given. */
    static final String DEFAULT_TEXT = "dickens.txt";
    static final String DEFAULT_TEXT_TITLE = "Charles Dickens, The Old Curiosity Shop (public domain; from org.apache.crunch:crunch-test)";

    private static final Pattern NON_LETTERS = Pattern.compile("\\P{L}+");
    private static final int LOAD_BATCH = 1_000;

    @Override
    public String name() {
        return "wordcount";
    }

    @Override
    public String description() {
        return "Word count over a text loaded into an IMap, each partition counted on its owner (--file PATH, --top N)";
    }

    /** The job: one task per line in {@value #MAP}, returning that line's word counts; the result is the text's. */
    public static Job<Map<String, Long>, Map<String, Long>> job() {
        return job(MAP, "wordcount");
    }

    /** The same job over the lines in {@code map}, named {@code name}: the pipeline example counts its own copy. */
    static Job<Map<String, Long>, Map<String, Long>> job(String map, String name) {
        return Job.<Integer, String, Map<String, Long>>overMap(map, (lineNumber, line, ctx) -> countWords(line))
                .reduce(Reducers.<String, Long>toMap(Long::sum))
                .name(name)
                .build();
    }

    /** The words of {@code line}: lower-cased runs of letters. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        if (line == null) {
            return words;
        }
        for (String word : NON_LETTERS.split(line.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** Each word of {@code line} with the times it occurs there. */
    static Map<String, Long> countWords(String line) {
        Map<String, Long> counts = new HashMap<>();
        for (String word : words(line)) {
            counts.merge(word, 1L, Long::sum);
        }
        return counts;
    }

    /** The word counts of {@code lines} computed on this thread alone, the reference for the check. */
    static Map<String, Long> countLocally(List<String> lines) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            for (String word : words(line)) {
                counts.merge(word, 1L, Long::sum);
            }
        }
        return counts;
    }

    static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The lines of the default text, from the class path. */
    static List<String> defaultText() {
        InputStream in = WordCountExample.class.getClassLoader().getResourceAsStream(DEFAULT_TEXT);
        if (in == null) {
            throw new IllegalStateException("wordcount: the default text " + DEFAULT_TEXT + " is not on the class path;"
                    + " it comes with org.apache.crunch:crunch-test (a runtime dependency of the examples),"
                    + " or pass a text with --file PATH");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return withoutByteOrderMark(reader.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("wordcount: cannot read " + DEFAULT_TEXT + " from the class path", e);
        }
    }

    /** The lines of a UTF-8 text file. */
    static List<String> readFile(Path file) {
        try {
            return withoutByteOrderMark(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("wordcount: --file " + file + " does not exist; pass a UTF-8 text file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("wordcount: cannot read --file " + file + " as UTF-8 text: " + e, e);
        }
    }

    private static List<String> withoutByteOrderMark(List<String> lines) {
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            List<String> copy = new ArrayList<>(lines);
            copy.set(0, copy.get(0).substring(1));
            return copy;
        }
        return lines;
    }

    /** Replaces the contents of {@code map} with {@code lines}, keyed by line number from 1. */
    static void load(IMap<Integer, String> map, List<String> lines) {
        map.clear();
        Map<Integer, String> batch = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            batch.put(i + 1, lines.get(i));
            if (batch.size() == LOAD_BATCH) {
                map.putAll(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            map.putAll(batch);
        }
    }

    @Override
    public Result run(Grid grid, List<String> args, PrintStream out) throws Exception {
        Args options = Args.parse(name(), args, Set.of("file", "top"));
        int top = options.intValue("top", 10, 0, 10_000);
        String source = options.string("file").orElse(null);
        List<String> lines = source == null ? defaultText() : readFile(Path.of(source));
        String title = source == null ? DEFAULT_TEXT_TITLE : source;
        long bytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
        out.printf("wordcount: %s, %,d lines, %,d bytes%n", title, lines.size(), bytes);

        IMap<Integer, String> map = Jobs.hazelcastOf(grid, name()).getMap(MAP);
        try {
            long start = System.nanoTime();
            load(map, lines);
            out.printf("wordcount: loaded %,d lines into IMap %s in %,d ms%n", map.size(), MAP, Jobs.millisSince(start));

            start = System.nanoTime();
            Map<String, Long> counts = Jobs.await(grid.submit(job()));
            long millis = Jobs.millisSince(start);
            Map<String, Long> expected = countLocally(lines);
            long total = total(counts);
            long expectedTotal = total(expected);

            out.printf("wordcount: %,d words, %,d distinct, counted in %,d ms; top %d:%n",
                    total, counts.size(), millis, Math.min(top, counts.size()));
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(top)
                    .forEach(e -> out.printf("  %-16s %,10d%n", e.getKey(), e.getValue()));

            boolean ok = total == expectedTotal && counts.equals(expected);
            String summary = String.format("%,d words (%,d distinct) in %,d lines; single-threaded count: %,d words"
                    + " (%,d distinct)%s", total, counts.size(), lines.size(), expectedTotal, expected.size(),
                    ok ? ", equal" : ", DIFFERENT");
            out.println(ok ? "OK: " + summary : "FAILED: " + summary);
            return new Result(ok, summary);
        } finally {
            map.destroy();
        }
    }
}
