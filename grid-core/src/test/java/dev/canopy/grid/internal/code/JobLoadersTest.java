package dev.canopy.grid.internal.code;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.CompiledCode;
import dev.canopy.grid.Job;
import dev.canopy.grid.internal.code.JobLoaders.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A member's class loaders for shipped code, without a cluster: the grid's code store is a map
 * from SHA-256 to a jar's bytes, and the jars hold classes compiled by the test, so no class path
 * of the test's JVM has them.
 */
class JobLoadersTest {

    private static final Duration IDLE = Duration.ofMinutes(1);

    @TempDir
    Path temp;

    /** Stands for the grid's code store: jar bytes by SHA-256. */
    private final Map<String, byte[]> grid = new HashMap<>();
    /** The names of the entries fetched from {@link #grid}, in order. */
    private final List<String> fetched = new CopyOnWriteArrayList<>();
    private final Function<CodeEntry, byte[]> fetch = entry -> {
        fetched.add(entry.name());
        return grid.get(entry.sha256());
    };
    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void whenTwoBuildsOfOneClassName_thenEachSetHasItsOwnClassAndAnswer() throws Exception {
        // given
        CodeSet one = codeSet(upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1))))));
        CodeSet two = codeSet(upload("answer-2.jar", jar(compile(Map.of("com.acme.Answer", answer(2))))));
        JobLoaders loaders = loaders(4);

        // when
        try (Lease first = loaders.loaderFor(one); Lease second = loaders.loaderFor(two)) {
            Class<?> answerOne = first.loader().loadClass("com.acme.Answer");
            Class<?> answerTwo = second.loader().loadClass("com.acme.Answer");

            // then
            assertNotSame(answerOne, answerTwo);
            assertEquals(1, ask(answerOne));
            assertEquals(2, ask(answerTwo));
            assertEquals(2, loaders.size());
        }
    }

    @Test
    void whenSameSetTwice_thenOneLoaderIsSharedAndEachEntryFetchedOnce() throws Exception {
        // given
        CodeEntry entry = upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1)))));
        JobLoaders loaders = loaders(4);

        // when: two jobs, each with its own (equal) code set
        try (Lease first = loaders.loaderFor(codeSet(entry)); Lease second = loaders.loaderFor(codeSet(entry))) {

            // then
            assertSame(first.loader(), second.loader());
            assertEquals(List.of("answer-1.jar"), fetched);
            assertEquals(1, loaders.size());
        }
    }

    @Test
    void whenSetHoldsItsOwnCopyOfCanopysApi_thenTheNodesClassesAreLoaded() throws Exception {
        // given: a jar with a class of Canopy's name, next to the job's own
        CodeSet set = codeSet(upload("fake-api.jar", jar(compile(Map.of(
                "dev.canopy.grid.Job", "package dev.canopy.grid; public class Job { }",
                "com.acme.Answer", answer(1))))));
        JobLoaders loaders = loaders(4);

        // when
        try (Lease lease = loaders.loaderFor(set)) {
            ClassLoader loader = lease.loader();

            // then: Canopy, Hazelcast and the JDK from the node; the job's own class from its jar
            assertSame(Job.class, loader.loadClass("dev.canopy.grid.Job"));
            assertSame(HazelcastInstance.class, loader.loadClass("com.hazelcast.core.HazelcastInstance"));
            assertSame(String.class, loader.loadClass("java.lang.String"));
            assertEquals(getClass().getClassLoader().getResource("dev/canopy/grid/Job.class"),
                    loader.getResource("dev/canopy/grid/Job.class"));
            assertSame(loader, loader.loadClass("com.acme.Answer").getClassLoader());
        }
    }

    @Test
    void whenNodeHasAnotherBuildOfTheJobsClass_thenTheJobsOwnBuildIsLoaded() throws Exception {
        // given: the node's loader has build 1 of com.acme.Answer, the job ships build 2
        Path nodeJar = Files.write(temp.resolve("node-answer.jar"), jar(compile(Map.of("com.acme.Answer", answer(1)))));
        URLClassLoader node = new URLClassLoader(new URL[] {nodeJar.toUri().toURL()}, getClass().getClassLoader());
        toClose.add(node);
        CodeSet set = codeSet(upload("answer-2.jar", jar(compile(Map.of("com.acme.Answer", answer(2))))));
        JobLoaders loaders = track(new JobLoaders(temp.resolve("cache"), node, fetch, IDLE, 4, clock::get));

        // when
        try (Lease lease = loaders.loaderFor(set)) {
            Class<?> answer = lease.loader().loadClass("com.acme.Answer");

            // then: child-first
            assertEquals(2, ask(answer));
            assertEquals(1, ask(node.loadClass("com.acme.Answer")));
        }
    }

    @Test
    void whenSetIsEmpty_thenTheNodesLoaderIsUsed() {
        // given
        JobLoaders loaders = loaders(4);

        // when
        try (Lease lease = loaders.loaderFor(new CodeSet(List.of()))) {

            // then
            assertSame(getClass().getClassLoader(), lease.loader());
            assertEquals(0, loaders.size());
        }
    }

    @Test
    void whenEntryIsMissingFromTheGrid_thenTheErrorNamesIt() throws Exception {
        // given: an entry never uploaded
        byte[] jar = jar(compile(Map.of("com.acme.Answer", answer(1))));
        CodeEntry entry = new CodeEntry(JobLoaders.sha256(jar), "answer-1.jar", jar.length);
        JobLoaders loaders = loaders(4);

        // when
        CodeLoadException e = assertThrows(CodeLoadException.class, () -> loaders.loaderFor(codeSet(entry)));

        // then
        assertEquals("code entry 'answer-1.jar' (SHA-256 " + entry.sha256() + ") is missing from the grid:"
                + " it may have expired; submit the job again to upload it", e.getMessage());
        assertSame(entry, e.entry());
        assertEquals(0, loaders.size());
    }

    @Test
    void whenGridsBytesDoNotMatchTheHash_thenTheErrorNamesTheEntryAndNothingIsCached() throws Exception {
        // given: the grid holds other bytes under the entry's hash
        CodeEntry entry = upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1)))));
        byte[] corrupt = grid.get(entry.sha256()).clone();
        corrupt[corrupt.length / 2] ^= 1;
        grid.put(entry.sha256(), corrupt);
        JobLoaders loaders = loaders(4);

        // when
        CodeLoadException e = assertThrows(CodeLoadException.class, () -> loaders.loaderFor(codeSet(entry)));

        // then
        assertEquals("code entry 'answer-1.jar' (SHA-256 " + entry.sha256() + ") read from the grid does not match"
                + " its hash: it has SHA-256 " + JobLoaders.sha256(corrupt) + " and " + corrupt.length + " bytes instead"
                + " of " + entry.size() + " (altered or damaged in the grid); remove the entry's record from"
                + " canopy.code.entries and submit again, which uploads it again", e.getMessage());
        assertEquals(List.of(), filesIn(temp.resolve("cache")));
    }

    @Test
    void whenFetchFails_thenTheErrorNamesTheEntryAndTheCause() throws Exception {
        // given
        CodeEntry entry = upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1)))));
        JobLoaders loaders = track(new JobLoaders(temp.resolve("cache"), getClass().getClassLoader(),
                e -> { throw new IllegalStateException("chunk 0 is lost"); }, IDLE, 4, clock::get));

        // when
        CodeLoadException e = assertThrows(CodeLoadException.class, () -> loaders.loaderFor(codeSet(entry)));

        // then
        assertEquals("could not fetch code entry 'answer-1.jar' (SHA-256 " + entry.sha256()
                + ") from the grid: chunk 0 is lost", e.getMessage());
    }

    @Test
    void whenJobsBuildTheSameNewSetAtOnce_thenTheyShareOneLoader() throws Exception {
        // given: each fetch waits (bounded) until all four jobs are fetching, so all four build a loader
        CodeSet set = codeSet(upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1))))));
        CountDownLatch allFetching = new CountDownLatch(4);
        JobLoaders loaders = track(new JobLoaders(temp.resolve("cache"), getClass().getClassLoader(), entry -> {
            allFetching.countDown();
            try {
                allFetching.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fetch.apply(entry);
        }, IDLE, 4, clock::get));
        ExecutorService jobs = Executors.newFixedThreadPool(4);
        try {
            // when
            List<Future<Lease>> leases = new ArrayList<>();
            for (int job = 0; job < 4; job++) {
                leases.add(jobs.submit(() -> loaders.loaderFor(set)));
            }
            Set<ClassLoader> seen = new HashSet<>();
            for (Future<Lease> lease : leases) {
                seen.add(lease.get(60, TimeUnit.SECONDS).loader());
            }

            // then: one loader, one complete file, no leftovers
            assertEquals(4, fetched.size());
            assertEquals(1, seen.size());
            assertEquals(1, loaders.size());
            assertEquals(List.of(temp.resolve("cache").resolve(set.entries().get(0).sha256() + ".jar")),
                    filesIn(temp.resolve("cache")));
            assertEquals(1, ask(seen.iterator().next().loadClass("com.acme.Answer")));
        } finally {
            jobs.shutdownNow();
        }
    }

    @Test
    void whenLoaderIsIdle_thenSweepClosesAndForgetsIt() throws Exception {
        // given: a job used the loader until time 2000
        CodeSet set = codeSet(upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1))))));
        JobLoaders loaders = loaders(4);
        Lease lease = loaders.loaderFor(set);
        ClassLoader loader = lease.loader();
        assertEquals(0, loaders.sweep(clock.get() + IDLE.toMillis() * 10));  // held: never closed
        clock.set(2_000);
        lease.close();
        assertEquals(0, loaders.sweep(2_000 + IDLE.toMillis() - 1));
        assertNotNull(loader.getResource("com/acme/Answer.class"));

        // when
        int closed = loaders.sweep(2_000 + IDLE.toMillis());

        // then: closed (it finds nothing any more) and forgotten; the next job gets a new loader from the cache
        assertEquals(1, closed);
        assertEquals(0, loaders.size());
        assertNull(loader.getResource("com/acme/Answer.class"));
        try (Lease next = loaders.loaderFor(set)) {
            assertNotSame(loader, next.loader());
            assertEquals(1, ask(next.loader().loadClass("com.acme.Answer")));
        }
        assertEquals(List.of("answer-1.jar"), fetched);
    }

    @Test
    void whenManyJobsRunFromManyBuilds_thenTheNumberOfLoadersStaysBounded() throws Exception {
        // given: 20 builds, kept to at most 5 loaders
        Path classes = compile(Map.of("com.acme.Answer", answer(7)));
        List<CodeSet> builds = new ArrayList<>();
        for (int build = 0; build < 20; build++) {
            builds.add(codeSet(upload("build-" + build + ".jar", jar(classes, Map.of("build.txt", "build " + build)))));
        }
        JobLoaders loaders = loaders(5);

        // when: 200 jobs, three at a time, each with its build's classes
        int most = 0;
        Set<Class<?>> answers = new HashSet<>();
        for (int job = 0; job < 200; job += 3) {
            List<Lease> running = new ArrayList<>();
            for (int i = job; i < Math.min(job + 3, 200); i++) {
                Lease lease = loaders.loaderFor(builds.get(i % 20));
                running.add(lease);
                Class<?> answer = lease.loader().loadClass("com.acme.Answer");
                assertEquals(7, ask(answer));
                answers.add(answer);
            }
            most = Math.max(most, loaders.size());
            running.forEach(Lease::close);
            clock.addAndGet(1_000);
        }

        // then
        assertEquals(5, most);
        assertTrue(answers.size() >= 20, "each build loads its own class: " + answers.size());
        assertEquals(5, loaders.size());
        assertEquals(5, loaders.sweep(clock.get() + IDLE.toMillis()));
        assertEquals(0, loaders.size());
        assertEquals(20, filesIn(temp.resolve("cache")).size());
    }

    @Test
    void whenMoreSetsAreInUseThanTheBound_thenNoneInUseIsClosedAndTheBoundHoldsOnceReleased() throws Exception {
        // given: at most 2 loaders, 3 sets in use at once
        Path classes = compile(Map.of("com.acme.Answer", answer(7)));
        List<CodeSet> builds = new ArrayList<>();
        for (int build = 0; build < 4; build++) {
            builds.add(codeSet(upload("build-" + build + ".jar", jar(classes, Map.of("build.txt", "build " + build)))));
        }
        JobLoaders loaders = loaders(2);
        List<Lease> inUse = new ArrayList<>();
        for (int build = 0; build < 3; build++) {
            inUse.add(loaders.loaderFor(builds.get(build)));
        }
        assertEquals(3, loaders.size());
        for (Lease lease : inUse) {
            assertEquals(7, ask(lease.loader().loadClass("com.acme.Answer")));
        }

        // when
        inUse.forEach(Lease::close);
        try (Lease fourth = loaders.loaderFor(builds.get(3))) {

            // then
            assertEquals(2, loaders.size());
            assertEquals(7, ask(fourth.loader().loadClass("com.acme.Answer")));
        }
    }

    @Test
    void whenAnotherInstanceUsesTheSameCacheFolder_thenNothingIsFetchedAgain() throws Exception {
        // given: one instance fetched the entry, and is gone
        CodeSet set = codeSet(upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1))))));
        try (JobLoaders first = loaders(4); Lease lease = first.loaderFor(set)) {
            assertEquals(1, ask(lease.loader().loadClass("com.acme.Answer")));
        }

        // when
        JobLoaders second = track(new JobLoaders(temp.resolve("cache"), getClass().getClassLoader(),
                entry -> fail("fetched " + entry + " again"), IDLE, 4, clock::get));

        // then
        try (Lease lease = second.loaderFor(set)) {
            assertEquals(1, ask(lease.loader().loadClass("com.acme.Answer")));
        }
    }

    @Test
    void whenCachedFileIsIncomplete_thenTheEntryIsFetchedAgain() throws Exception {
        // given: half a jar under the entry's name, as a foreign or crashed writer might leave it
        CodeEntry entry = upload("answer-1.jar", jar(compile(Map.of("com.acme.Answer", answer(1)))));
        Files.createDirectories(temp.resolve("cache"));
        byte[] bytes = grid.get(entry.sha256());
        Files.write(temp.resolve("cache").resolve(entry.sha256() + ".jar"), Arrays.copyOf(bytes, bytes.length / 2));
        JobLoaders loaders = loaders(4);

        // when
        try (Lease lease = loaders.loaderFor(codeSet(entry))) {

            // then
            assertEquals(1, ask(lease.loader().loadClass("com.acme.Answer")));
            assertEquals(List.of("answer-1.jar"), fetched);
        }
    }

    @Test
    void whenSettingsAreOutOfRange_thenTheErrorNamesTheValue() {
        // given
        ClassLoader node = getClass().getClassLoader();
        Path cache = temp.resolve("cache");

        // when
        IllegalArgumentException noLoaders = assertThrows(IllegalArgumentException.class,
                () -> new JobLoaders(cache, node, fetch, IDLE, 0));
        IllegalArgumentException negativeIdle = assertThrows(IllegalArgumentException.class,
                () -> new JobLoaders(cache, node, fetch, Duration.ofSeconds(-1), 4));

        // then
        assertEquals("maxLoaders must be ≥ 1 but was 0", noLoaders.getMessage());
        assertEquals("idle time of job class loaders must be ≥ 0 but was PT-1S", negativeIdle.getMessage());
    }

    // ------------------------------------------------------------------------------------ helpers

    private JobLoaders loaders(int maxLoaders) {
        return track(new JobLoaders(temp.resolve("cache"), getClass().getClassLoader(), fetch, IDLE, maxLoaders,
                clock::get));
    }

    private JobLoaders track(JobLoaders loaders) {
        toClose.add(loaders);
        return loaders;
    }

    /** Puts the jar in the stand-in grid and returns its entry. */
    private CodeEntry upload(String name, byte[] jar) {
        String sha = JobLoaders.sha256(jar);
        grid.put(sha, jar);
        return new CodeEntry(sha, name, jar.length);
    }

    private static CodeSet codeSet(CodeEntry... entries) {
        return new CodeSet(List.of(entries));
    }

    private static String answer(int value) {
        return "package com.acme; public class Answer implements java.util.function.Supplier<Object> {"
                + " public Object get() { return " + value + "; } }";
    }

    private static Object ask(Class<?> answer) throws ReflectiveOperationException {
        return ((Supplier<?>) answer.getConstructor().newInstance()).get();
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    // ---------------------------------------------------------------- compiling at test time

    /** Compiles {@code sources} (class name to source) into a new folder under {@link #temp}. */
    private Path compile(Map<String, String> sources) throws IOException {
        return CompiledCode.classes(Files.createTempDirectory(temp, "classes"), sources);
    }

    private static byte[] jar(Path classes) {
        return jar(classes, Map.of());
    }

    /** A jar of the files under {@code classes} plus text {@code resources}, in sorted order. */
    private static byte[] jar(Path classes, Map<String, String> resources) {
        Map<String, byte[]> entries = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                entries.put(classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
            resources.forEach((name, text) -> entries.put(name, text.getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream jar = new JarOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    JarEntry jarEntry = new JarEntry(entry.getKey());
                    jarEntry.setTime(0);
                    jar.putNextEntry(jarEntry);
                    jar.write(entry.getValue());
                    jar.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
