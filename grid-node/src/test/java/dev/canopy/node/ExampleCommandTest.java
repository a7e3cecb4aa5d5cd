package dev.canopy.node;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleCommandTest {

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
    void whenExampleRefusesItsArguments_thenOneLineAndExitTwo() {
        CommandRun run = CommandRun.of("example", "pi", "--tasks", "0");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("example pi: --tasks must be between 1 and "), run::toString);
    }
}
