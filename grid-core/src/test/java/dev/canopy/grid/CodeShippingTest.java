package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job carries its code: classes compiled by the test into a folder of its own, loaded by a loader
 * of their own, are on no member's class path, yet their jobs run on the members, submitted from a
 * client.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CodeShippingTest extends GridTestSupport {

    /** Builds a job with a lambda that calls a helper of its own class. */
    private static final String PRIMES = """
            package com.acme;
            import dev.canopy.grid.Job;
            import dev.canopy.grid.Reducers;
            public final class Primes {
                public static Job<Long, Long> below(long n) {
                    return Job.range(2, n, (i, ctx) -> isPrime(i) ? 1L : 0L).reduce(Reducers.sumLong())
                            .name("primes").leafSize(50).build();
                }
                public static Job<Long, Long> slowlyBelow(long n) {
                    return Job.range(2, n, (i, ctx) -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // 5 ms of work
                        return isPrime(i) ? 1L : 0L;
                    }).reduce(Reducers.sumLong()).name("primes").leafSize(10).build();
                }
                static boolean isPrime(long n) {
                    for (long d = 2; d * d <= n; d++) {
                        if (n % d == 0) {
                            return false;
                        }
                    }
                    return true;
                }
            }
            """;

    /** One build of a class whose name another build shares, returning {@code answer}. */
    private static String answer(int answer) {
        return """
                package com.acme;
                import dev.canopy.grid.Job;
                import dev.canopy.grid.Reducers;
                public final class Answer {
                    public static Job<Long, Long> job() {
                        return Job.range(0, 10, (i, ctx) -> value()).reduce(Reducers.sumLong()).leafSize(2).build();
                    }
                    static long value() {
                        return %d;
                    }
                }
                """.formatted(answer);
    }

    /** A user's result type and reducer: count and sum of the squares of the indices. */
    private static final Map<String, String> STATS = Map.of(
            "com.acme.Stats", """
                    package com.acme;
                    public record Stats(long count, long sum) implements java.io.Serializable {
                    }
                    """,
            "com.acme.StatsReducer", """
                    package com.acme;
                    import dev.canopy.grid.Reducer;
                    public final class StatsReducer implements Reducer<Long, Stats> {
                        public Stats identity() { return new Stats(0, 0); }
                        public Stats accumulate(Stats acc, Long v) { return new Stats(acc.count() + 1, acc.sum() + v); }
                        public Stats combine(Stats a, Stats b) { return new Stats(a.count() + b.count(), a.sum() + b.sum()); }
                    }
                    """,
            "com.acme.Squares", """
                    package com.acme;
                    import dev.canopy.grid.Job;
                    public final class Squares {
                        public static Job<Long, Stats> upTo(long n) {
                            return Job.range(0, n, (i, ctx) -> i * i).reduce(new StatsReducer()).leafSize(10).build();
                        }
                    }
                    """);

    @TempDir
    Path dir;

    @Test
    void whenClientSubmitsAJobOfClassesNoMemberHas_thenItRunsOnTheMembersAndTheSecondSubmitUploadsNothing()
            throws Exception {
        // given
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Job<Long, Long> job = build(compile("primes", Map.of("com.acme.Primes", PRIMES)), "com.acme.Primes", "below",
                1_000L);

        // when
        long first = await(client.submit(job).result());
        long uploadedFirst = client.access.uploadedCodeBytes();
        long second = await(client.submit(job).result());
        long uploadedSecond = client.access.uploadedCodeBytes() - uploadedFirst;

        // then
        assertEquals(168, first, "primes below 1000");
        assertEquals(168, second);
        assertTrue(uploadedFirst > 0, "the first submit uploaded the job's code");
        assertEquals(0, uploadedSecond, "the second submit of the same code uploads nothing");
    }

    @Test
    void whenTwoBuildsOfOneClassNameRun_thenEachJobGetsItsOwnAnswer() throws Exception {
        // given
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Job<Long, Long> one = build(compile("one", Map.of("com.acme.Answer", answer(1))), "com.acme.Answer", "job");
        Job<Long, Long> two = build(compile("two", Map.of("com.acme.Answer", answer(2))), "com.acme.Answer", "job");

        // when
        JobHandle<Long> a = client.submit(one);
        JobHandle<Long> b = client.submit(two);

        // then
        assertEquals(10L, await(a.result()));
        assertEquals(20L, await(b.result()));
    }

    @Test
    void whenANamedTaskUsesAHelperOfAnotherFolderOnlyFromCode_thenBothTravelAndTheResultIsExact() throws Exception {
        // given: the helper is in a folder of its own, which nothing in the job's objects names
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Path helpers = compile("helpers", Map.of("com.acme.util.Twice", """
                package com.acme.util;
                public final class Twice {
                    public static long of(long n) { return 2 * n; }
                }
                """));
        Path tasks = CompiledCode.classes(dir.resolve("tasks"), Map.of("com.acme.Doubler", """
                package com.acme;
                import dev.canopy.grid.IndexTask;
                import dev.canopy.grid.Job;
                import dev.canopy.grid.Reducers;
                import dev.canopy.grid.TaskContext;
                public final class Doubler implements IndexTask<Long> {
                    public Long run(long index, TaskContext ctx) { return com.acme.util.Twice.of(index); }
                    public static Job<Long, Long> upTo(long n) {
                        return Job.range(0, n, new Doubler()).reduce(Reducers.sumLong()).leafSize(20).build();
                    }
                }
                """), CompiledCode.entryOf(Job.class), helpers);
        ClassLoader loader = CompiledCode.loader(tasks, helpers);
        @SuppressWarnings("unchecked")
        Job<Long, Long> job = (Job<Long, Long>) loader.loadClass("com.acme.Doubler").getMethod("upTo", long.class)
                .invoke(null, 100L);

        // when
        long sum = await(client.submit(job).result());

        // then
        assertEquals(9_900, sum);
    }

    @Test
    void whenShippingIsOff_thenTheJobFailsAtOnceNamingTheClassAndTheMember() throws Exception {
        // given
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().shipCode(false));
        Job<Long, Long> job = build(compile("off", Map.of("com.acme.Primes", PRIMES)), "com.acme.Primes", "below",
                100L);

        // when
        Throwable failure = awaitFailure(client.submit(job).result());

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertTrue(failed.getMessage().contains("com.acme.Primes"), failed.getMessage());
        assertTrue(failed.getMessage().matches("(?s).*member [0-9a-f-]{36} cannot read its spec.*"), failed.getMessage());
        assertTrue(failed.getMessage().contains("shipCode"), "the message says how to fix it: " + failed.getMessage());
    }

    @Test
    void whenJobReturnsItsOwnType_thenItsSubmitterReadsItAndAClientWithoutItsClassesIsToldWhichClass() throws Exception {
        // given
        startCluster(2);
        GridClient submitter = cluster().startClient(GridClientConfig.defaults());
        GridClient other = cluster().startClient(GridClientConfig.defaults());
        Job<Long, Object> job = build(compile("stats", STATS), "com.acme.Squares", "upTo", 100L);

        // when
        JobHandle<Object> handle = submitter.submit(job);
        Object stats = await(handle.result());

        // then: the submitter gets its own type, with the exact values
        assertEquals("com.acme.Stats", stats.getClass().getName());
        assertEquals(100L, stats.getClass().getMethod("count").invoke(stats));
        assertEquals(328_350L, stats.getClass().getMethod("sum").invoke(stats));
        // and a client without the classes is told which class it lacks
        Throwable unreadable = awaitFailure(other.job(handle.id()).orElseThrow().result());
        JobFailedException failed = assertInstanceOf(JobFailedException.class, unreadable);
        assertTrue(failed.getMessage().contains("its result needs class com.acme.Stats, which cannot be loaded here"),
                failed.getMessage());
    }

    @Test
    void whenItsSubmitterLeavesMidJob_thenTheJobCompletesAndAnotherClientFetchesItsResult() throws Exception {
        // given: a job of about a second, of classes only its submitter had
        startCluster(2);
        GridClient submitter = cluster().startClient(GridClientConfig.defaults());
        Job<Long, Long> job = build(compile("gone", Map.of("com.acme.Primes", PRIMES)), "com.acme.Primes", "slowlyBelow",
                300L);
        JobHandle<Long> handle = submitter.submit(job);

        // when
        submitter.close();

        // then: the members load its code from the grid, and a JDK-typed result is read anywhere
        GridClient other = cluster().startClient(GridClientConfig.defaults());
        assertEquals(62L, (Long) await(other.job(handle.id()).orElseThrow().result()));
    }

    // ------------------------------------------------------------------------------------ helpers

    private Path compile(String name, Map<String, String> sources) {
        return CompiledCode.classes(dir.resolve(name), sources, CompiledCode.entryOf(Job.class));
    }

    @SuppressWarnings("unchecked")
    private static <R> Job<Long, R> build(Path classes, String className, String method, Object... args)
            throws Exception {
        ClassLoader loader = CompiledCode.loader(classes);
        Class<?> type = loader.loadClass(className);
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i] instanceof Long ? long.class : args[i].getClass();
        }
        return (Job<Long, R>) type.getMethod(method, types).invoke(null, args);
    }
}
