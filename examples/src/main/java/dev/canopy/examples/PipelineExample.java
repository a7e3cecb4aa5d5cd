package dev.canopy.examples;

import com.hazelcast.map.IMap;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.Task;

import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job graph: the word count's text counted once, then three stages built from its counts, side by side.
 *
 * <pre>
 *              words              the word count of {@link WordCountExample}, over the lines in {@value #MAP}
 *           /    |    \
 *        top   total   lengths    each a job of {@value #SLICES} tasks over slices of the counts
 * </pre>
 *
 * {@code top} is the most frequent words ({@code --top N}, default {@value #DEFAULT_TOP}), most
 * frequent first and ties alphabetical; {@code total} the number of words; {@code lengths} how
 * many words (each occurrence counted) have each length in letters. The three are
 * {@link dev.canopy.grid.StageFactory stage factories}: they run on the graph's driver with the
 * {@code words} stage's result and build jobs that split it. The example prints each stage as it
 * ends, in the order they end, then checks every stage against a single-threaded computation over
 * the same lines. Like the word count it reads {@code --file PATH} or the Dickens text, fills its
 * own map and removes it when it is done, so two pipelines must not run on one grid at once.
 */
public final class PipelineExample implements Example {

    /** The IMap holding the text, line number to line. */
    public static final String MAP = "pipeline.lines";
    static final String WORDS = "words";
    static final String TOP = "top";
    static final String TOTAL = "total";
    static final String LENGTHS = "lengths";
    static final int DEFAULT_TOP = 20;
    /** The tasks each of the three follow-up stages splits the word counts into. */
    static final int SLICES = 8;

    private static final int BAR_WIDTH = 40;

    /** A word and the times it occurs. */
    record WordCount(String word, long count) implements Serializable {
    }

    /** The order of {@code top}: the most frequent first, ties in alphabetical order. */
    static final Comparator<WordCount> MOST_FREQUENT = Comparator.comparingLong(WordCount::count).reversed()
            .thenComparing(WordCount::word);

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String description() {
        return "A job graph over the wordcount text: the words counted, then the top 20, the total and a histogram"
                + " of word lengths as three parallel stages (--file PATH, --top N)";
    }

    /**
     * The graph: {@code words} counts the lines in {@value #MAP}; {@code top}, {@code total} and
     * {@code lengths} come after it. Stage jobs are named {@code pipeline-STAGE}.
     */
    public static JobGraph graph(int top, Duration timeout) {
        return JobGraph.builder("pipeline")
                .stage(WORDS, WordCountExample.job(MAP, "pipeline-" + WORDS))
                .stage(TOP, in -> topJob(in.get(WORDS), top), WORDS)
                .stage(TOTAL, in -> totalJob(in.get(WORDS)), WORDS)
                .stage(LENGTHS, in -> lengthsJob(in.get(WORDS)), WORDS)
                .timeout(timeout)
                .build();
    }

    /** Each slice's {@code top} most frequent words, merged down to the {@code top} of them all. */
    static Job<List<WordCount>, List<WordCount>> topJob(Map<String, Long> counts, int top) {
        List<Task<List<WordCount>>> tasks = new ArrayList<>();
        for (Map<String, Long> slice : slices(counts)) {
            tasks.add(ctx -> mostFrequent(asWordCounts(slice), List.of(), top));
        }
        return Job.of(tasks)
                .reduce(Reducers.<List<WordCount>, List<WordCount>>of(ArrayList::new,
                        (acc, part) -> mostFrequent(acc, part, top), (left, right) -> mostFrequent(left, right, top)))
                .name("pipeline-" + TOP)
                .build();
    }

    /** Each slice's sum of counts, summed. */
    static Job<Long, Long> totalJob(Map<String, Long> counts) {
        List<Task<Long>> tasks = new ArrayList<>();
        for (Map<String, Long> slice : slices(counts)) {
            tasks.add(ctx -> WordCountExample.total(slice));
        }
        return Job.of(tasks).reduce(Reducers.<Long>sumLong()).name("pipeline-" + TOTAL).build();
    }

    /** Each slice's histogram of word lengths, added up. */
    static Job<Map<Integer, Long>, Map<Integer, Long>> lengthsJob(Map<String, Long> counts) {
        List<Task<Map<Integer, Long>>> tasks = new ArrayList<>();
        for (Map<String, Long> slice : slices(counts)) {
            tasks.add(ctx -> lengths(slice));
        }
        return Job.of(tasks).reduce(Reducers.<Integer, Long>toMap(Long::sum)).name("pipeline-" + LENGTHS).build();
    }

    /** The counts in {@value #SLICES} maps of about equal size, cut in alphabetical order so the split is the same each run. */
    static List<Map<String, Long>> slices(Map<String, Long> counts) {
        List<Map<String, Long>> slices = new ArrayList<>();
        int size = Math.max(1, (counts.size() + SLICES - 1) / SLICES);
        Map<String, Long> slice = new HashMap<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
            slice.put(e.getKey(), e.getValue());
            if (slice.size() == size) {
                slices.add(slice);
                slice = new HashMap<>();
            }
        }
        if (!slice.isEmpty()) {
            slices.add(slice);
        }
        return slices;
    }

    static List<WordCount> asWordCounts(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> new WordCount(e.getKey(), e.getValue())).toList();
    }

    /** The {@code top} most frequent of {@code a} and {@code b} together, in {@link #MOST_FREQUENT} order. */
    static List<WordCount> mostFrequent(List<WordCount> a, List<WordCount> b, int top) {
        List<WordCount> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        all.sort(MOST_FREQUENT);
        return new ArrayList<>(all.subList(0, Math.min(top, all.size())));
    }

    /** Length in letters (code points) to the number of words of that length, each occurrence counted. */
    static Map<Integer, Long> lengths(Map<String, Long> counts) {
        Map<Integer, Long> lengths = new TreeMap<>();
        counts.forEach((word, count) -> lengths.merge(word.codePointCount(0, word.length()), count, Long::sum));
        return lengths;
    }

    @Override
    public Result run(Grid grid, List<String> args, PrintStream out) throws Exception {
        Args options = Args.parse(name(), args, Set.of("file", "top"));
        int top = options.intValue("top", DEFAULT_TOP, 1, 10_000);
        String source = options.string("file").orElse(null);
        List<String> lines = source == null ? WordCountExample.defaultText() : WordCountExample.readFile(Path.of(source));
        String title = source == null ? WordCountExample.DEFAULT_TEXT_TITLE : source;
        long bytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
        out.printf("pipeline: %s, %,d lines, %,d bytes%n", title, lines.size(), bytes);

        IMap<Integer, String> map = Jobs.hazelcastOf(grid, name()).getMap(MAP);
        try {
            WordCountExample.load(map, lines);
            out.printf("pipeline: loaded %,d lines into IMap %s%n", map.size(), MAP);
            long start = System.nanoTime();
            GraphHandle handle = grid.submit(graph(top, Jobs.RESULT_TIMEOUT));
            out.printf("pipeline: submitted graph %s: %s, then %s, %s and %s side by side%n", handle.id(), WORDS,
                    TOP, TOTAL, LENGTHS);
            Map<String, Object> results = followStages(handle, top, lines.size(), out);
            out.printf("pipeline: graph completed in %,d ms: %d stages%n", Jobs.millisSince(start), results.size());
            return check(results, lines, top, out);
        } finally {
            map.destroy();
        }
    }

    /**
     * Prints each stage as it ends, on this thread, in the order they end, then returns the graph's
     * result. The stages' futures only say which stage ended; the wait is bounded by the graph's timeout.
     */
    private static Map<String, Object> followStages(GraphHandle handle, int top, int lines, PrintStream out)
            throws Exception {
        Map<String, CompletableFuture<Object>> stages = new LinkedHashMap<>();
        BlockingQueue<String> ended = new LinkedBlockingQueue<>();
        for (String stage : List.of(WORDS, TOP, TOTAL, LENGTHS)) {
            CompletableFuture<Object> result = handle.result(stage);
            stages.put(stage, result);
            result.whenComplete((value, error) -> ended.add(stage));
        }
        long deadline = System.nanoTime() + Jobs.RESULT_TIMEOUT.toNanos();
        for (int i = 0; i < stages.size(); i++) {
            String stage = ended.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (stage == null) {
                handle.cancel();
                throw new TimeoutException("graph " + handle.id() + " did not end within " + Jobs.RESULT_TIMEOUT
                        + "; it was cancelled");
            }
            try {
                print(stage, stages.get(stage).join(), top, lines, out);
            } catch (CompletionException | CancellationException e) {
                out.printf("stage %s failed: %s%n", stage, e.getCause() != null ? e.getCause() : e);
            }
        }
        try {
            return handle.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(String stage, Object result, int top, int lines, PrintStream out) {
        switch (stage) {
            case WORDS -> {
                Map<String, Long> counts = (Map<String, Long>) result;
                out.printf("stage %s: %,d distinct words in %,d lines%n", WORDS, counts.size(), lines);
            }
            case TOTAL -> out.printf("stage %s: %,d words%n", TOTAL, (Long) result);
            case TOP -> {
                List<WordCount> words = (List<WordCount>) result;
                out.printf("stage %s: the %d most frequent words%n", TOP, Math.min(top, words.size()));
                for (int i = 0; i < words.size(); i++) {
                    out.printf("  %3d  %-12s %,8d%n", i + 1, words.get(i).word(), words.get(i).count());
                }
            }
            case LENGTHS -> {
                Map<Integer, Long> lengths = new TreeMap<>((Map<Integer, Long>) result);
                long all = lengths.values().stream().mapToLong(Long::longValue).sum();
                long most = lengths.values().stream().mapToLong(Long::longValue).max().orElse(1);
                out.printf("stage %s: words by length in letters, each occurrence counted%n", LENGTHS);
                lengths.forEach((length, count) -> out.printf("  %3d  %,8d  %5.1f%%  %s%n", length, count,
                        100.0 * count / all, "#".repeat((int) Math.round((double) BAR_WIDTH * count / most))));
            }
            default -> out.printf("stage %s: %s%n", stage, result);
        }
    }

    /** Every stage's result against the same computed on this thread from the lines. */
    private Result check(Map<String, Object> results, List<String> lines, int top, PrintStream out) {
        Map<String, Long> expected = WordCountExample.countLocally(lines);
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put(WORDS, expected);
        reference.put(TOP, mostFrequent(asWordCounts(expected), List.of(), top));
        reference.put(TOTAL, WordCountExample.total(expected));
        reference.put(LENGTHS, lengths(expected));
        List<String> different = new ArrayList<>();
        reference.forEach((stage, value) -> {
            if (!value.equals(results.get(stage))) {
                different.add(stage);
            }
        });
        boolean ok = different.isEmpty();
        String summary = String.format("%,d words (%,d distinct) in %,d lines; the stages %s, %s, %s and %s against"
                        + " a single-threaded computation: %s", reference.get(TOTAL), expected.size(), lines.size(),
                WORDS, TOP, TOTAL, LENGTHS, ok ? "equal" : "DIFFERENT in " + String.join(", ", different));
        out.println(ok ? "OK: " + summary : "FAILED: " + summary);
        return new Result(ok, summary);
    }
}
