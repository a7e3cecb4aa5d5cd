package dev.canopy.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridCommandTest {

    @Test
    void whenHelp_thenListsEveryCommandAndExitsZero() {
        CommandRun run = CommandRun.of("--help");

        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().startsWith("Usage: grid"), run::toString);
        for (String command : List.of("node", "demo", "status", "submit", "token", "example", "help")) {
            assertTrue(run.out().contains("\n  " + command + " "), () -> "no " + command + " in\n" + run);
        }
        assertEquals("", run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "demo", "status", "submit", "token", "example"})
    void whenCommandHelp_thenPrintsItsUsageAndExitsZero(String command) {
        CommandRun run = CommandRun.of(command, "--help");

        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().startsWith("Usage: grid " + command), run::toString);
    }

    @Test
    void whenHelpCommandNamesACommand_thenPrintsThatCommandsUsage() {
        CommandRun run = CommandRun.of("help", "status");

        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().startsWith("Usage: grid status"), run::toString);
        assertTrue(run.out().contains("--client=FILE"), run::toString);
    }

    @Test
    void whenSubmitOrExampleHelp_thenListsTheExamples() {
        for (String command : List.of("submit", "example")) {
            CommandRun run = CommandRun.of(command, "--help");

            for (String example : List.of("pi", "wordcount", "pipeline", "sort", "nested", "embedded")) {
                assertTrue(run.out().contains("\n  " + example + " "), () -> "no " + example + " in\n" + run);
            }
        }
    }

    @Test
    void whenVersion_thenPrintsCanopyHazelcastAndJavaVersions() {
        CommandRun run = CommandRun.of("--version");

        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.outLines();
        assertEquals(3, lines.size(), run::toString);
        assertTrue(lines.get(0).matches("canopy \\d+\\.\\d+\\.\\d+.*"), run::toString);
        assertTrue(lines.get(1).startsWith("hazelcast 5."), run::toString);
        assertTrue(lines.get(2).startsWith("java " + System.getProperty("java.version")), run::toString);
    }

    @Test
    void whenNoCommand_thenUsageOnStderrAndExitTwo() {
        CommandRun run = CommandRun.of();

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().startsWith("grid: missing a command"), run::toString);
        assertTrue(run.err().contains("Usage: grid"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void whenUnknownCommand_thenExitTwoWithASuggestion() {
        CommandRun run = CommandRun.of("stauts");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().contains("'stauts'"), run::toString);
        assertTrue(run.err().contains("grid status"), run::toString);
    }

    @Test
    void whenUnknownOption_thenExitTwoNamingIt() {
        CommandRun run = CommandRun.of("node", "--confg", "x.yaml");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertTrue(run.err().contains("--confg"), run::toString);
    }

    @Test
    void whenSubmitHasExampleOptions_thenTheyPassThroughAndClientIsParsedAnywhere() {
        // given
        CommandLine cl = new GridCommand(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream())).commandLine();

        // when
        ParseResult parsed = cl.parseArgs("submit", "pi", "--tasks", "1000", "--samples=5", "--client", "c.yaml");

        // then
        ParseResult submit = parsed.subcommand();
        assertEquals("submit", submit.commandSpec().name());
        assertEquals("pi", submit.matchedPositional(0).getValue());
        assertEquals(List.of("--tasks", "1000", "--samples=5"), submit.matchedPositional(1).getValue());
        assertEquals("c.yaml", submit.matchedOption("--client").getValue().toString());
    }

    @Test
    void whenExampleHasExampleOptions_thenTheyPassThrough() {
        CommandLine cl = new GridCommand(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream())).commandLine();

        ParseResult parsed = cl.parseArgs("example", "sort", "--count", "1000");

        assertEquals("sort", parsed.subcommand().matchedPositional(0).getValue());
        assertEquals(List.of("--count", "1000"), parsed.subcommand().matchedPositional(1).getValue());
    }

    @Test
    void whenSubmitUnknownExample_thenOneLineListingTheKnownOnesAndExitTwo() {
        CommandRun run = CommandRun.of("submit", "pie");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertEquals(List.of("submit: unknown example 'pie': known examples are pi, wordcount, pipeline, sort, nested, embedded"),
                run.errLines());
        assertEquals("", run.out());
    }

    @Test
    void whenExampleUnknown_thenOneLineListingTheKnownOnesAndExitTwo() {
        CommandRun run = CommandRun.of("example", "nope", "--x", "1");

        assertEquals(GridCommand.BAD_INPUT, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().contains("unknown example 'nope'"), run::toString);
        assertTrue(run.err().contains("pi, wordcount, pipeline, sort, nested, embedded"), run::toString);
    }

    @Test
    void whenFactoryMakesACommandWithStreams_thenItGetsTheCommandLinesStreams() throws Exception {
        // given: a command class like the bench and chaos commands, taking (out, err)
        PrintStream out = new PrintStream(OutputStream.nullOutputStream());
        PrintStream err = new PrintStream(OutputStream.nullOutputStream());
        GridCommand.Factory factory = new GridCommand.Factory(Io.of(out, err));

        // when
        StreamsCommand command = factory.create(StreamsCommand.class);

        // then
        assertTrue(command.out == out && command.err == err);
    }

    static final class StreamsCommand {
        final PrintStream out;
        final PrintStream err;

        public StreamsCommand(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }
    }
}
