package dev.canopy.node;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleCommandTest {

    /** A plain progress line of the job named pi, of 20,000 tasks. */
    static final Pattern PI_PROGRESS = Pattern.compile("pi +\\d+%  [\\d,]+/20,000 tasks  [\\d,]+ tasks/s  .*");

    @Test
    void whenExamplePiRuns_thenItPrintsAnEstimateCloseToPiAndExitsZero() {
        // when
        CommandRun run = CommandRun.of("example", "pi", "--tasks", "4000", "--samples", "2500");

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("example pi: starting 3 nodes in this JVM"), run::toString);
        Matcher estimate = Pattern.compile("estimate (\\d+\\.\\d+)").matcher(run.out());
        assertTrue(estimate.find(), run::toString);
        assertEquals(Math.PI, Double.parseDouble(estimate.group(1)), 0.01, run::toString);
        assertTrue(run.out().contains("OK: pi ~ "), run::toString);
    }

    @Test
    void whenExamplePipelineRuns_thenItPrintsEachStageOnceAndExitsZero() {
        // when: the default text, on the embedded cluster
        CommandRun run = CommandRun.of("example", "pipeline", "--quiet");

        // then: the words stage first; the other three in the order they end
        assertEquals(GridCommand.OK, run.code(), run::toString);
        List<String> lines = run.outLines();
        List<String> stages = lines.stream().filter(l -> l.startsWith("stage ")).map(l -> l.split(":")[0]).toList();
        assertEquals("stage words", stages.get(0), run::toString);
        assertEquals(List.of("stage lengths", "stage top", "stage total", "stage words"),
                stages.stream().sorted().toList(), run::toString);
        assertTrue(lines.contains("stage top: the 20 most frequent words"), run::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("pipeline: graph completed in [\\d,]+ ms: 4 stages")),
                run::toString);
        assertTrue(run.out().contains("OK: "), run::toString);
    }

    @Test
    void whenExampleRefusesItsArguments_thenOneLineAndExitTwo() {
        CommandRun run = CommandRun.of("example", "pi", "--tasks", "0");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("example pi: --tasks must be between 1 and "), run::toString);
    }

    @Test
    void whenExamplePiRunsWithoutATty_thenPlainProgressLinesNameTheJobBeforeItsResult() {
        // when: CommandRun's output is not a TTY
        CommandRun run = CommandRun.of("example", "pi", "--tasks", "20000");

        // then: the job's final progress line ends before the example prints its estimate
        assertEquals(GridCommand.OK, run.code(), run::toString);
        List<String> lines = run.outLines();
        int done = indexOf(lines, "pi 100%  20,000/20,000 tasks  ", " done in ");
        assertTrue(done >= 0, run::toString);
        assertTrue(lines.get(done).matches("pi 100%  20,000/20,000 tasks  [\\d,]+ tasks/s  done in \\S+"), run::toString);
        int estimate = indexOf(lines, "pi: ", " hits -> estimate ");
        assertTrue(estimate > done, run::toString);
        assertTrue(lines.stream().filter(l -> l.startsWith("pi ")).allMatch(l -> PI_PROGRESS.matcher(l).matches()),
                run::toString);
        assertFalse(run.out().contains("\r"), "no redrawn bar when not a TTY");
    }

    @Test
    void whenExampleIsQuiet_thenNoProgressLines() {
        CommandRun run = CommandRun.of("example", "pi", "--tasks", "20000", "--quiet");

        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("OK: pi ~ "), run::toString);
        assertTrue(run.outLines().stream().noneMatch(l -> PI_PROGRESS.matcher(l).matches()), run::toString);
    }

    /** The index of the first line starting with {@code prefix} and containing {@code part}, or -1. */
    private static int indexOf(List<String> lines, String prefix, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix) && lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
