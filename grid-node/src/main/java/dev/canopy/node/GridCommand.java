package dev.canopy.node;

import com.hazelcast.instance.BuildInfoProvider;
import dev.canopy.grid.GridConfigException;
import dev.canopy.node.bench.BenchCommand;
import dev.canopy.node.chaos.ChaosCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code bin/grid}: the command line of Canopy. Each subcommand is a class of this package (or of
 * {@code dev.canopy.node.bench} and {@code .chaos}) holding its options; it prints to the streams it
 * is given and returns its exit code, so tests run it in-process with captured output:
 *
 * <pre>{@code
 * int code = new GridCommand(out, err).execute("status", "--client", "config/client.yaml");
 * }</pre>
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} the work failed (a job, a check, a
 * connection); {@value #BAD_INPUT} bad input (an unknown option, command or example, a bad
 * configuration file), before anything ran. A command that meets a configuration it cannot use lets
 * the {@link GridConfigException} go: this class prints its one-line message and exits with
 * {@value #BAD_INPUT}.
 *
 * <p>A subcommand class gets its streams through its constructor: one taking {@link Io} (this
 * package), or one taking {@code (PrintStream out, PrintStream err)}; a class with neither is made
 * with its no-argument constructor and can reach the streams through picocli's
 * {@code @Spec CommandSpec} ({@code spec.commandLine().getOut()}).
 */
@Command(name = "grid",
        mixinStandardHelpOptions = true,
        versionProvider = GridCommand.Version.class,
        description = {"Canopy: a hierarchical compute grid on Hazelcast.", ""},
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'grid COMMAND --help' for the options of a command.",
                "Exit codes: 0 success, 1 the work failed, 2 bad input (options, command, configuration)."},
        subcommands = {
                NodeCommand.class,
                DemoCommand.class,
                StatusCommand.class,
                SubmitCommand.class,
                TokenCommand.class,
                ExampleCommand.class,
                BenchCommand.class,
                ChaosCommand.class,
                CommandLine.HelpCommand.class})
public final class GridCommand implements Callable<Integer> {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The work failed: a job, an example's check, a connection, a node that could not start. */
    public static final int FAILED = 1;
    /** Bad input, found before anything ran: options, an unknown command or example, a bad configuration. */
    public static final int BAD_INPUT = 2;

    private final Io io;

    @Spec
    private CommandSpec spec;

    /** A command line that prints to {@code out} and {@code err} and reads overrides from this process's environment. */
    public GridCommand(PrintStream out, PrintStream err) {
        this(Io.of(out, err));
    }

    GridCommand(Io io) {
        this.io = Objects.requireNonNull(io, "io");
    }

    public static void main(String[] args) {
        System.exit(new GridCommand(Io.system()).execute(args));
    }

    /** Parses {@code args}, runs the command they name and returns its exit code. */
    public int execute(String... args) {
        Logging.configure(args, io.properties());
        return commandLine().execute(args);
    }

    /** The picocli command line, wired to this command's streams. */
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this, new Factory(io));
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (Errors.peel(e) instanceof GridConfigException) {
                // its message already names the file or variable, the key, the value and what is allowed
                commandLine.getErr().println(Errors.oneLine(e));
                return BAD_INPUT;
            }
            commandLine.getErr().println(commandLine.getCommandName() + ": " + Errors.oneLine(e));
            return FAILED;
        });
        // examples parse their own options: "submit pi --tasks 1000" passes "--tasks 1000" to pi
        for (String name : new String[] {SubmitCommand.NAME, ExampleCommand.NAME}) {
            CommandLine sub = cl.getSubcommands().get(name);
            sub.setUnmatchedOptionsArePositionalParams(true);
            sub.getCommandSpec().usageMessage().footer(ExampleRunner.catalogue());
        }
        return cl;
    }

    /** Without a command: prints the usage and fails with {@value #BAD_INPUT}. */
    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("grid: missing a command");
        cl.usage(cl.getErr());
        return BAD_INPUT;
    }

    /** Makes commands with the streams of this command line (see the class comment). */
    static final class Factory implements CommandLine.IFactory {
        private final Io io;

        Factory(Io io) {
            this.io = io;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> withIo = constructor(type, Io.class);
            if (withIo != null) {
                return withIo.newInstance(io);
            }
            Constructor<K> withStreams = constructor(type, PrintStream.class, PrintStream.class);
            if (withStreams != null) {
                return withStreams.newInstance(io.out(), io.err());
            }
            return CommandLine.defaultFactory().create(type);
        }

        private static <K> Constructor<K> constructor(Class<K> type, Class<?>... parameters) {
            try {
                Constructor<K> c = type.getDeclaredConstructor(parameters);
                c.setAccessible(true);
                return c;
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    }

    /** {@code --version}: Canopy's version (from the build), Hazelcast's and Java's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                    "canopy " + canopyVersion(),
                    "hazelcast " + BuildInfoProvider.getBuildInfo().getVersion(),
                    "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }

        static String canopyVersion() {
            Properties p = new Properties();
            try (InputStream in = GridCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }
    }
}
