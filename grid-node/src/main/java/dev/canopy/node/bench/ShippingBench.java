package dev.canopy.node.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.spi.EngineProbe;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * What code shipping costs, on members in this JVM: code compiled here, into a jar on no member's
 * class path, against the same code on the class path. Bytes the first and a second submission of
 * the same code store in the grid; time from submit to the first task with about 5 MB of shipped
 * jar; throughput of trivial tasks; class loaders and metaspace after many jobs of many builds.
 * Figures are printed, never asserted.
 */
final class ShippingBench {

    private static final long WAIT_MINUTES = 10;
    private static final String CHUNKS = "canopy.code.chunks";
    private static final String FIRST_TASK = "bench.first-task";
    private static final int PAYLOAD_BYTES = 5 << 20;
    /** Alternating runs of each variant in the throughput figure: the JIT moves both from run to run. */
    private static final int ROUNDS = 7;

    /** Built once per build: a trivial job, a job that stamps its first task's start, a job that answers its build. */
    private static final String SOURCE = """
            package benchcode;
            import dev.canopy.grid.Job;
            import dev.canopy.grid.Reducers;
            public final class Work {
                public static final String BUILD = "%s";
                public static Job<Long, Long> trivial(long n) {
                    return Job.rangeToLong(0, n, (i, ctx) -> i & 1).reduce(Reducers.sumLong()).name("shipped").build();
                }
                public static Job<Long, Long> firstTask(String map, String key) {
                    return Job.range(0, 1, (i, ctx) -> {
                        ctx.hazelcast().getMap(map).putIfAbsent(key, System.nanoTime());
                        return 1L;
                    }).reduce(Reducers.sumLong()).build();
                }
                public static Job<Long, Long> answer(long n) {
                    return Job.range(0, n, (i, ctx) -> (long) BUILD.length()).reduce(Reducers.sumLong()).build();
                }
            }
            """;

    private final Grid grid;
    private final HazelcastInstance hz;
    private final List<HazelcastInstance> members;
    private final Path dir;

    ShippingBench(Grid grid, HazelcastInstance hz, List<HazelcastInstance> members) throws IOException {
        this.grid = grid;
        this.hz = hz;
        this.members = members;
        this.dir = Files.createTempDirectory("canopy-shipping-bench");
    }

    Map<String, Object> run(PrintStream out, long tasks, int builds, int jobs) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            out.println("Code shipping: skipped, this Java has no compiler (run a JDK, not a JRE)");
            return Map.of("skipped", "no compiler");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        out.println();
        out.println("Code shipping: code compiled here into a jar on no member's class path, against the same code on it");

        bytesStored(compiler, out, report);
        firstTask(compiler, out, report);
        throughput(compiler, out, report, tasks);
        loadersAndMetaspace(compiler, out, report, builds, jobs);
        return report;
    }

    /** Bytes the first and a second submission of the same code store in the grid. */
    private void bytesStored(JavaCompiler compiler, PrintStream out, Map<String, Object> report) throws Exception {
        Class<?> work = load(build(compiler, "bytes", 0));
        long before = storedBytes();
        submit(job(work, "answer", 10L));
        long first = storedBytes() - before;
        submit(job(work, "answer", 10L));
        long second = storedBytes() - before - first;
        out.printf("  code bytes stored by the first submission %,d, by a second of the same code %,d%n", first, second);
        report.put("bytesFirst", first);
        report.put("bytesSecond", second);
    }

    /** Submit to first task: a fresh 5 MB build each time (upload, fetch, new loader), against class-path code. */
    private void firstTask(JavaCompiler compiler, PrintStream out, Map<String, Object> report) throws Exception {
        long[] shipped = new long[3];
        long[] local = new long[3];
        for (int i = 0; i < 3; i++) {
            Class<?> fresh = load(build(compiler, "first-" + i, PAYLOAD_BYTES));
            shipped[i] = firstTaskMicros(key -> job(fresh, "firstTask", FIRST_TASK, key));
            local[i] = firstTaskMicros(ShippingBench::firstTaskOnClassPath);
        }
        out.printf("  submit to first task, median of 3, microseconds: %,d with a fresh %d MB jar shipped, %,d with"
                + " the code on the class path%n", median(shipped), PAYLOAD_BYTES >> 20, median(local));
        report.put("firstTaskShippedMicros", median(shipped));
        report.put("firstTaskClassPathMicros", median(local));
    }

    /** Throughput of trivial tasks, shipped against class path, alternating, after a warm-up of each. */
    private void throughput(JavaCompiler compiler, PrintStream out, Map<String, Object> report, long tasks)
            throws Exception {
        Job<Long, Long> shippedTrivial = job(load(build(compiler, "trivial", 0)), "trivial", tasks);
        Job<Long, Long> localTrivial = Job.rangeToLong(0, tasks, (i, ctx) -> i & 1).reduce(Reducers.sumLong())
                .name("class-path").build();
        // the same code on the class path once more, as another lambda: the ratio of the two is this
        // measurement's own noise, the yardstick for the shipped-to-class-path ratio
        Job<Long, Long> localAgain = Job.rangeToLong(0, tasks, (i, ctx) -> i & 1).reduce(Reducers.sumLong())
                .name("class-path-again").build();
        timed(shippedTrivial, tasks);
        timed(localTrivial, tasks);
        timed(localAgain, tasks);
        double[] rateShipped = new double[ROUNDS];
        double[] rateLocal = new double[ROUNDS];
        double[] rateAgain = new double[ROUNDS];
        List<Job<Long, Long>> variants = List.of(shippedTrivial, localTrivial, localAgain);
        double[][] rates = {rateShipped, rateLocal, rateAgain};
        for (int i = 0; i < ROUNDS; i++) {
            // each round starts with another variant: whichever runs first or last in a round gains or loses
            for (int k = 0; k < variants.size(); k++) {
                int v = (i + k) % variants.size();
                rates[v][i] = timed(variants.get(v), tasks);
            }
        }
        double s = median(rateShipped);
        double l = median(rateLocal);
        double a = median(rateAgain);
        out.printf("  %,d trivial tasks, median of %d runs in rotating order, tasks/s: %,.0f shipped, %,.0f class path,"
                + " ratio %.2f (the same class-path code as another lambda: %,.0f, ratio %.2f)%n",
                tasks, ROUNDS, s, l, s / l, a, a / l);
        report.put("throughputShipped", s);
        report.put("throughputClassPath", l);
        report.put("throughputClassPathAgain", a);
        report.put("throughputRatio", s / l);
    }

    /** Class loaders and metaspace after many jobs of many builds. */
    private void loadersAndMetaspace(JavaCompiler compiler, PrintStream out, Map<String, Object> report, int builds,
                                     int jobs) throws Exception {
        long metaBefore = metaspaceUsed();
        List<Class<?>> versions = new ArrayList<>();
        for (int b = 0; b < builds; b++) {
            versions.add(load(build(compiler, "build-" + b, 0)));
        }
        for (int j = 0; j < jobs; j++) {
            submit(job(versions.get(j % builds), "answer", 4L));
        }
        int loaders = 0;
        for (HazelcastInstance member : members) {
            loaders += EngineProbe.jobClassLoaders(member).orElse(0);
        }
        long metaAfter = metaspaceUsed();
        out.printf("  after %d jobs from %d builds: %d job class loaders open on %d members, metaspace %+.1f MB"
                + " (%.1f MB in all)%n", jobs, builds, loaders, members.size(), (metaAfter - metaBefore) / 1e6,
                metaAfter / 1e6);
        report.put("jobs", jobs);
        report.put("builds", builds);
        report.put("loaders", loaders);
        report.put("metaspaceGrowthBytes", metaAfter - metaBefore);

    }

    /** A one-task job of class-path code that stamps the time its task starts. */
    private static Job<Long, Long> firstTaskOnClassPath(String key) {
        return Job.range(0, 1, (i, ctx) -> {
            ctx.hazelcast().getMap(FIRST_TASK).putIfAbsent(key, System.nanoTime());
            return 1L;
        }).reduce(Reducers.sumLong()).build();
    }

    private interface JobForKey {
        Job<Long, Long> job(String key) throws Exception;
    }

    private long firstTaskMicros(JobForKey jobs) throws Exception {
        String key = UUID.randomUUID().toString();
        Job<Long, Long> job = jobs.job(key);
        long start = System.nanoTime();
        submit(job);
        IMap<String, Long> stamps = hz.getMap(FIRST_TASK);
        return TimeUnit.NANOSECONDS.toMicros(stamps.get(key) - start);
    }

    private double timed(Job<Long, Long> job, long tasks) throws Exception {
        long start = System.nanoTime();
        long sum = submit(job);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sum != tasks / 2) {
            throw new IllegalStateException("a trivial job summed " + sum + ", not " + tasks / 2);
        }
        return tasks / seconds;
    }

    /** The job a build's {@code method} makes of {@code args}. */
    @SuppressWarnings("unchecked")
    private static Job<Long, Long> job(Class<?> work, String method, Object... args) throws Exception {
        for (java.lang.reflect.Method m : work.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                return (Job<Long, Long>) m.invoke(null, args);
            }
        }
        throw new IllegalStateException(work + " has no method " + method);
    }

    /** Submits {@code job} and waits for its result. */
    private long submit(Job<Long, Long> job) throws Exception {
        return grid.submit(job).result().get(WAIT_MINUTES, TimeUnit.MINUTES);
    }

    /** Compiles a build of {@link #SOURCE} into a jar, with {@code payload} random bytes as a resource. */
    private Path build(JavaCompiler compiler, String name, int payload) throws IOException {
        Path src = Files.createDirectories(dir.resolve(name + "-src/benchcode"));
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        Path file = src.resolve("Work.java");
        Files.writeString(file, SOURCE.formatted(name + "-" + UUID.randomUUID()));
        String classPath = System.getProperty("java.class.path");
        int status = compiler.run(null, OutputStream.nullOutputStream(), System.err, "-d", classes.toString(),
                "-cp", classPath, file.toString());
        if (status != 0) {
            throw new IllegalStateException("the benchmark's code did not compile (status " + status + ")");
        }
        Path jar = dir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
            if (payload > 0) {
                byte[] bytes = new byte[payload];
                new Random(name.hashCode()).nextBytes(bytes);
                out.putNextEntry(new JarEntry("benchcode/payload.bin"));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Class<?> load(Path jar) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ShippingBench.class.getClassLoader());
        return loader.loadClass("benchcode.Work");
    }

    private long storedBytes() {
        IMap<String, byte[]> chunks = hz.getMap(CHUNKS);
        long sum = 0;
        for (byte[] chunk : chunks.values()) {
            sum += chunk.length;
        }
        return sum;
    }

    private static long metaspaceUsed() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                return pool.getUsage().getUsed();
            }
        }
        return -1;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Removes the compiled builds. */
    void deleteBuilds() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless
        }
    }
}
