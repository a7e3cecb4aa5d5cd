package dev.canopy.node;

import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.StageInfo;
import dev.canopy.grid.StageState;
import dev.canopy.grid.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code grid status [--client FILE]}: connects as a client and prints the members (address, uuid,
 * roles, worker threads, busy workers, queued leaves), the jobs (id, name, state, progress) and, when
 * there are any, the job graphs with their stages (state, job, its progress, why a stage failed).
 * Like jobs, graphs are listed while they run and until their results expire. A cluster that cannot be reached within the connect timeout ({@value #CONNECT_TIMEOUT_SECONDS} s
 * unless the configuration sets {@code connectTimeout}) is one line on standard error and exit code 1.
 */
@Command(name = StatusCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Connects as a client and prints the members (roles, load, queued leaves)"
                + ", the jobs (state, progress) and the job graphs (each stage's state and progress)."})
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
                Topology topology = grid.topology();
                // graphs before jobs: the job of a stage that starts in between is then listed with its progress
                List<GraphInfo> graphs = grid.graphs();
                print(config.clusterName(), topology, grid.jobs(), graphs, io.out());
                return GridCommand.OK;
            } catch (RuntimeException e) {
                io.err().println(NAME + ": connected to cluster '" + config.clusterName() + "' but could not read it: "
                        + Errors.oneLine(e));
                return GridCommand.FAILED;
            }
        });
    }

    /** @param graphs oldest first, as {@link dev.canopy.grid.Grid#graphs()} lists them; none prints no graph section */
    static void print(String cluster, Topology topology, List<JobInfo> jobs, List<GraphInfo> graphs, PrintStream out) {
        List<MemberInfo> members = topology.members();
        out.printf("cluster '%s': %d %s, %d %s%s%n", cluster, members.size(), members.size() == 1 ? "member" : "members",
                jobs.size(), jobs.size() == 1 ? "job" : "jobs",
                graphs.isEmpty() ? "" : ", " + graphs.size() + (graphs.size() == 1 ? " graph" : " graphs"));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MEMBER", "UUID", "ROLES", "THREADS", "BUSY", "QUEUED"});
        for (MemberInfo m : members) {
            rows.add(new String[] {m.address(), m.uuid().toString(),
                    m.roles().isEmpty() ? "-" : String.join(",", new TreeSet<>(m.roles())),
                    Integer.toString(m.workerThreads()), Integer.toString(m.busy()), Integer.toString(m.queuedLeaves())});
        }
        table(rows, "", out);
        out.println();
        if (jobs.isEmpty()) {
            out.println("no jobs");
        } else {
            printJobs(jobs, out);
        }
        if (!graphs.isEmpty()) {
            printGraphs(graphs, jobs, out);
        }
    }

    private static void printJobs(List<JobInfo> jobs, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JOB", "NAME", "STATE", "DONE/TOTAL", "PROGRESS", "FAILED", "LEAVES", "SUBMITTED"});
        for (JobInfo j : jobs) {
            JobProgress p = j.progress();
            rows.add(new String[] {j.id().toString(), j.name(), j.state().name(),
                    String.format(Locale.ROOT, "%,d/%,d", p.done(), p.total()),
                    String.format(Locale.ROOT, "%.0f%%", Math.floor(p.fraction() * 100)),
                    Long.toString(p.failed()), Integer.toString(p.leaves()), j.submitted().toString()});
        }
        table(rows, "", out);
    }

    /**
     * Each graph as a line, then its stages as a table: a stage's progress is its job's line in
     * {@code jobs}, "-" while it has no job (or once its job is no longer listed).
     */
    private static void printGraphs(List<GraphInfo> graphs, List<JobInfo> jobs, PrintStream out) {
        Map<JobId, JobInfo> byId = new HashMap<>();
        for (JobInfo j : jobs) {
            byId.put(j.id(), j);
        }
        for (GraphInfo g : graphs) {
            long completed = g.stages().stream().filter(s -> s.state() == StageState.COMPLETED).count();
            out.println();
            out.printf("graph %s '%s': %s, %d/%d stages completed, submitted %s%n", g.id(), g.name(), g.state(),
                    completed, g.stages().size(), g.submitted());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"STAGE", "AFTER", "STATE", "JOB", "DONE/TOTAL", "PROGRESS", "ERROR"});
            for (StageInfo s : g.stages()) {
                JobInfo job = s.job() == null ? null : byId.get(s.job());
                JobProgress p = job == null ? null : job.progress();
                rows.add(new String[] {s.name(), s.after().isEmpty() ? "-" : String.join(",", s.after()),
                        s.state().name(), s.job() == null ? "-" : s.job().toString(),
                        p == null ? "-" : String.format(Locale.ROOT, "%,d/%,d", p.done(), p.total()),
                        p == null ? "-" : String.format(Locale.ROOT, "%.0f%%", Math.floor(p.fraction() * 100)),
                        s.error() == null ? "-" : s.error()});
            }
            table(rows, "  ", out);
        }
    }

    /** Left-aligned columns, two spaces apart, each line after {@code indent}; the first row is the heading. */
    private static void table(List<String[]> rows, String indent, PrintStream out) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
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
