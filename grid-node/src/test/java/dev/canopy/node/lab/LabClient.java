package dev.canopy.node.lab;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A {@link GridClient} in a JVM of its own, run on a lab {@link Host} (the test's JVM is in the
 * machine's own namespace, which cannot reach the lab), driven over stdin and stdout by
 * {@link ClientProcess}: one command a line in, one answer a line out. Logs go to stderr.
 *
 * <pre>
 * (at start)                       connected MEMBERS | cannot connect: WHY
 * submit NAME TASKS PARK_US LEAF   submitted ID
 * result ID SECONDS                result COUNTED SUM MILLIS | failed CLASS: MESSAGE | cancelled: WHY | pending DONE/TOTAL
 * progress ID                      progress DONE TOTAL RETRIED
 * cancel ID                        cancel sent
 * topdriver ID                     topdriver UUID | topdriver none
 * jobs                             jobs ID=STATE,...
 * members                          members COUNT
 * topology                         topology ADDRESS:BUSY/WORKERS,...
 * owner ID                         owner UUID (of the job record's partition)
 * safe                             safe true|false
 * </pre>
 *
 * MILLIS is from the submit to the result, as this client saw them. Any command may answer
 * {@code error CLASS: MESSAGE}.
 */
public final class LabClient {

    private final GridClient grid;
    private final PrintStream out;
    private final Map<String, JobHandle<?>> handles = new HashMap<>();
    private final Map<String, Long> submittedAt = new HashMap<>();

    private LabClient(GridClient grid, PrintStream out) {
        this.grid = grid;
        this.out = out;
    }

    /** {@code LabClient CLIENT_CONFIG_FILE}: connects, then answers commands until stdin ends or {@code quit}. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        GridClient grid;
        try {
            grid = GridClient.connect(GridClientConfig.load(Path.of(args[0])));
        } catch (RuntimeException e) {
            out.println("cannot connect: " + oneLine(e));
            System.exit(1);
            return;
        }
        try (grid) {
            LabClient client = new LabClient(grid, out);
            out.println("connected " + client.members());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                try {
                    out.println(client.answer(line.trim().split("\\s+")));
                } catch (Exception e) {
                    out.println("error " + oneLine(e));
                }
            }
        }
        System.exit(0);
    }

    private String answer(String[] command) throws Exception {
        return switch (command[0]) {
            case "submit" -> submit(command[1], Integer.parseInt(command[2]), Long.parseLong(command[3]),
                    Integer.parseInt(command[4]));
            case "result" -> result(command[1], Long.parseLong(command[2]));
            case "progress" -> {
                JobProgress p = handle(command[1]).progress();
                yield "progress " + p.done() + " " + p.total() + " " + p.retried();
            }
            case "cancel" -> {
                handle(command[1]).cancel();
                yield "cancel sent";
            }
            case "topdriver" -> "topdriver " + info(command[1]).map(JobInfo::topDriver).map(Object::toString)
                    .orElse("none");
            case "jobs" -> "jobs " + grid.jobs().stream().map(i -> i.id() + "=" + i.state())
                    .collect(Collectors.joining(","));
            case "members" -> "members " + members();
            case "topology" -> "topology " + grid.topology().members().stream()
                    .map(m -> m.address() + ":" + m.busy() + "/" + m.workerThreads()).collect(Collectors.joining(","));
            case "owner" -> "owner " + grid.hazelcast().getPartitionService().getPartition(JobId.parse(command[1]))
                    .getOwner().getUuid();
            case "safe" -> "safe " + grid.hazelcast().getExecutorService("canopy.lab")
                    .submit(new ClusterSafe()).get(10, TimeUnit.SECONDS);
            default -> "error unknown command " + command[0];
        };
    }

    private String submit(String name, int tasks, long parkMicros, int leafSize) {
        long start = System.nanoTime();
        JobHandle<long[]> job = grid.submit(CountedJob.of(name, tasks, parkMicros, leafSize));
        handles.put(job.id().toString(), job);
        submittedAt.put(job.id().toString(), start);
        return "submitted " + job.id();
    }

    private String result(String id, long seconds) throws InterruptedException {
        JobHandle<?> job = handle(id);
        try {
            Object value = job.result().get(seconds, TimeUnit.SECONDS);
            long[] result = (long[]) value;
            Long start = submittedAt.get(id);
            long millis = start == null ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return "result " + CountedJob.counted(result) + " " + CountedJob.sum(result) + " " + millis;
        } catch (ExecutionException e) {
            return "failed " + oneLine(e.getCause());
        } catch (CancellationException e) {
            return "cancelled: " + oneLine(e);
        } catch (TimeoutException e) {
            JobProgress p = job.progress();
            return "pending " + p.done() + "/" + p.total();
        }
    }

    private JobHandle<?> handle(String id) {
        JobHandle<?> job = handles.get(id);
        if (job == null) {
            job = grid.job(JobId.parse(id)).orElseThrow(() -> new IllegalArgumentException("no job " + id));
            handles.put(id, job);
        }
        return job;
    }

    private Optional<JobInfo> info(String id) {
        return grid.jobs().stream().filter(i -> i.id().toString().equals(id)).findFirst();
    }

    private int members() {
        return grid.hazelcast().getCluster().getMembers().size();
    }

    private static String oneLine(Throwable e) {
        return (e.getClass().getName() + ": " + e.getMessage()).replace('\n', ' ');
    }

    /** Asked on a member: a client cannot ask Hazelcast whether the cluster's backups are in sync. */
    static final class ClusterSafe implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
        private transient HazelcastInstance member;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            member = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            return member.getPartitionService().isClusterSafe();
        }
    }
}
