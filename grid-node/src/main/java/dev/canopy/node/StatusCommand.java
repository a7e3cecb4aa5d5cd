package dev.canopy.node;

import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code grid status [--client FILE]}: connects as a client and prints the members (address, uuid,
 * roles, worker threads, busy workers, queued leaves) and the jobs (id, name, state, progress).
 * A cluster that cannot be reached within the connect timeout ({@value #CONNECT_TIMEOUT_SECONDS} s
 * unless the configuration sets {@code connectTimeout}) is one line on standard error and exit code 1.
 */
@Command(name = StatusCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Connects as a client and prints the members (roles, load, queued leaves)"
                + " and the jobs (state, progress)."})
final class StatusCommand implements Callable<Integer> {

    static final String NAME = "status";
    static final long CONNECT_TIMEOUT_SECONDS = 5;

    private final Io io;

    @Option(names = "--client", paramLabel = "FILE",
            description = "Client configuration, YAML or JSON, e.g. config/client.yaml;"
                    + " by default cluster 'canopy' at 127.0.0.1:5701, connect timeout 5s.")
    private Path client;

    StatusCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return Clients.connectAndRun(NAME, client, Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS), io, (grid, config) -> {
            try {
                print(config.clusterName(), grid.topology(), grid.jobs(), io.out());
                return GridCommand.OK;
            } catch (RuntimeException e) {
                io.err().println(NAME + ": connected to cluster '" + config.clusterName() + "' but could not read it: "
                        + Errors.oneLine(e));
                return GridCommand.FAILED;
            }
        });
    }

    static void print(String cluster, Topology topology, List<JobInfo> jobs, PrintStream out) {
        List<MemberInfo> members = topology.members();
        out.printf("cluster '%s': %d %s, %d %s%n", cluster, members.size(), members.size() == 1 ? "member" : "members",
                jobs.size(), jobs.size() == 1 ? "job" : "jobs");
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MEMBER", "UUID", "ROLES", "THREADS", "BUSY", "QUEUED"});
        for (MemberInfo m : members) {
            rows.add(new String[] {m.address(), m.uuid().toString(),
                    m.roles().isEmpty() ? "-" : String.join(",", new TreeSet<>(m.roles())),
                    Integer.toString(m.workerThreads()), Integer.toString(m.busy()), Integer.toString(m.queuedLeaves())});
        }
        table(rows, out);
        out.println();
        if (jobs.isEmpty()) {
            out.println("no jobs");
            return;
        }
        rows.clear();
        rows.add(new String[] {"JOB", "NAME", "STATE", "DONE/TOTAL", "PROGRESS", "FAILED", "LEAVES", "SUBMITTED"});
        for (JobInfo j : jobs) {
            JobProgress p = j.progress();
            rows.add(new String[] {j.id().toString(), j.name(), j.state().name(),
                    String.format(Locale.ROOT, "%,d/%,d", p.done(), p.total()),
                    String.format(Locale.ROOT, "%.0f%%", Math.floor(p.fraction() * 100)),
                    Long.toString(p.failed()), Integer.toString(p.leaves()), j.submitted().toString()});
        }
        table(rows, out);
    }

    /** Left-aligned columns, two spaces apart; the first row is the heading. */
    private static void table(List<String[]> rows, PrintStream out) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line);
        }
    }
}
