package com.acme;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;

import java.util.List;

/**
 * A client program of one's own, run against standalone nodes ({@code bin/grid node}) that have
 * neither its classes nor commons-math3: both travel with its jobs.
 *
 * <pre>
 * java -cp "target/client-app.jar:target/lib/*" com.acme.Primes 127.0.0.1:5701 [more members...]
 * </pre>
 *
 * The cluster name and members can also come from CANOPY_CLUSTER_NAME and CANOPY_MEMBERS. With
 * {@code --detached} first, it submits a slower count, prints its job id and waits: stop it, and the
 * job still completes; fetch its result from any client with {@code grid.job(JobId.parse(id))}.
 * With {@code --graph} first, it does the same with a graph of two stages: the slower count, then,
 * built from it by a factory of the app's own (which runs on a node, from the shipped code), the
 * largest prime below the limit; fetch it with {@code grid.graph(GraphId.parse(id))}.
 */
public final class Primes {

    private static final int BELOW = 100_000;

    private Primes() {
    }

    public static void main(String[] args) throws Exception {
        boolean detached = args.length > 0 && args[0].equals("--detached");
        boolean graph = args.length > 0 && args[0].equals("--graph");
        List<String> members = List.of(args).subList(detached || graph ? 1 : 0, args.length);
        GridClientConfig config = GridClientConfig.defaults().withOverrides(System.getenv(), System.getProperties());
        if (!members.isEmpty()) {
            config.members(members);
        }
        try (GridClient grid = GridClient.connect(config)) {
            if (graph) {
                GraphHandle handle = grid.submit(JobGraph.builder("primes")
                        .stage("count", slowCount())
                        .stage("largest", in -> largestBelow(BELOW, in.<Long>get("count")), "count")
                        .build());
                System.out.println("submitted graph " + handle.id());
                System.out.flush();
                handle.result().get();
                return;
            }
            if (detached) {
                JobHandle<Long> job = grid.submit(slowCount());
                System.out.println("submitted " + job.id());
                System.out.flush();
                job.result().get();
                return;
            }
            // a lambda calling a library the nodes do not have
            long count = grid.submit(Job.range(2, BELOW, (i, ctx) -> isPrime(i) ? 1L : 0L)
                    .reduce(Reducers.sumLong()).name("count-primes").build()).result().get();
            System.out.println("primes below " + BELOW + ": " + count);

            // a result type and reducer of the app's own
            PrimeStats stats = grid.submit(Job.range(2, BELOW, (i, ctx) -> isPrime(i) ? i : -1L)
                    .reduce(new PrimeStatsReducer()).name("prime-stats").build()).result().get();
            System.out.println("prime stats below " + BELOW + ": " + stats.count() + " primes, the largest "
                    + stats.largest());
        }
    }

    /** Counts the primes below the limit, pausing 200 ms every thousand numbers: slow enough to be stopped mid-way. */
    private static Job<Long, Long> slowCount() {
        return Job.range(2, BELOW, (i, ctx) -> {
            Thread.sleep(i % 1_000 == 0 ? 200 : 0);
            return isPrime(i) ? 1L : 0L;
        }).reduce(Reducers.sumLong()).name("count-primes-detached").build();
    }

    /** A job finding the largest prime below {@code limit}, built once {@code count} primes are known to be there. */
    private static Job<Long, Long> largestBelow(int limit, long count) {
        if (count < 1 || !isPrime(2)) {
            throw new IllegalStateException("no primes below " + limit + " were counted");
        }
        return Job.range(limit - 1_000, limit, (i, ctx) -> isPrime(i) ? i : 0L)
                .reduce(Reducers.<Long>max()).name("largest-prime").build();
    }

    /** commons-math3's test: a library the nodes do not have, reached only from code. */
    private static boolean isPrime(long n) {
        return org.apache.commons.math3.primes.Primes.isPrime((int) n);
    }
}
