package dev.canopy.node.chaos;

import dev.canopy.node.GridCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The options of {@code grid chaos} that are refused before any node process starts. */
class ChaosCommandTest {

    @Test
    void whenRoundsAndGraphsAreBothZero_thenNothingStartsAndExitTwo() {
        // when
        Run run = Run.of("chaos", "--rounds", "0", "--graphs", "0");

        // then
        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().startsWith("--rounds and --graphs are both 0, so there is nothing to run: give either a"
                + " number above 0"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void whenGraphsIsNegative_thenTheErrorNamesItAndExitTwo() {
        // when
        Run run = Run.of("chaos", "--graphs", "-1");

        // then
        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().contains("--graphs must be >= 0 but was -1"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void whenAFaultIsUnknown_thenTheErrorNamesItAndTheFaults_andExitTwo() {
        // when
        Run run = Run.of("chaos", "--faults", "kill,flood");

        // then
        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().contains("--faults has 'flood', which is not a fault: give some of kill, pause, partition,"
                + " latency, split by commas"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void whenHelp_thenTheGraphsOptionIsListedWithItsDefault() {
        // when
        Run run = Run.of("chaos", "--help");

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("--graphs=<graphs>"), run::toString);
        assertTrue(run.out().contains("mid-graph; 0 for none (default: 10)"), run::toString);
    }

    /** One in-process run of {@code grid ...} with captured output. */
    private record Run(int code, String out, String err) {
        static Run of(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                int code = new GridCommand(o, e).execute(args);
                return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }
}
