package dev.canopy.grid.internal.code;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.CompiledCode;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scanner ships exactly the entries a job's objects and their code reach, and nothing every node
 * has. The user's classes are compiled at test time into folders and a jar that no class path holds,
 * and loaded through one loader over them, in the order: lambdas, helpers, tasks, stats, factory,
 * fmt.jar, formatting, values, capturing, calc, refs.
 */
class CodeScannerTest {

    @TempDir
    static Path tmp;

    private static Path lambdas;
    private static Path helpers;
    private static Path tasks;
    private static Path stats;
    private static Path fmtJar;
    private static Path formatting;
    private static Path values;
    private static URLClassLoader loader;

    private final CodeScanner scanner = new CodeScanner();

    @BeforeAll
    static void compile() {
        lambdas = CompiledCode.classes(tmp.resolve("lambdas"), Map.of("com.acme.lambdas.Squares", """
                package com.acme.lambdas;
                import dev.canopy.grid.*;
                public class Squares {
                    public static Job<Long, Long> job() {
                        return Job.range(0, 10, (i, ctx) -> i * i).reduce(Reducers.sumLong()).build();
                    }
                }"""));
        helpers = CompiledCode.classes(tmp.resolve("helpers"), Map.of("com.acme.util.Shout", """
                package com.acme.util;
                public class Shout {
                    public static String shout(String word) { return word.toUpperCase() + "!"; }
                }"""));
        tasks = CompiledCode.classes(tmp.resolve("tasks"), Map.of(
                "com.acme.tasks.ShoutTask", """
                        package com.acme.tasks;
                        import dev.canopy.grid.*;
                        public class ShoutTask implements Task<String> {
                            private final String word;
                            public ShoutTask(String word) { this.word = word; }
                            public String run(TaskContext ctx) { return com.acme.util.Shout.shout(word); }
                        }""",
                "com.acme.tasks.ShoutJob", """
                        package com.acme.tasks;
                        import dev.canopy.grid.*;
                        import java.util.List;
                        public class ShoutJob {
                            public static Job<String, List<String>> job() {
                                return Job.of(List.of(new ShoutTask("a"), new ShoutTask("b")))
                                        .reduce(Reducers.toList()).build();
                            }
                        }"""), helpers);
        stats = CompiledCode.classes(tmp.resolve("stats"), Map.of(
                "com.acme.stats.Stats", """
                        package com.acme.stats;
                        public record Stats(long count, long sum) implements java.io.Serializable { }""",
                "com.acme.stats.Identity", """
                        package com.acme.stats;
                        import dev.canopy.grid.*;
                        public class Identity implements IndexTask<Long> {
                            public Long run(long index, TaskContext ctx) { return index; }
                        }""",
                "com.acme.stats.StatsReducer", """
                        package com.acme.stats;
                        import dev.canopy.grid.*;
                        public class StatsReducer implements Reducer<Long, Stats> {
                            public Stats identity() { return new Stats(0, 0); }
                            public Stats accumulate(Stats acc, Long v) { return new Stats(acc.count() + 1, acc.sum() + v); }
                            public Stats combine(Stats l, Stats r) { return new Stats(l.count() + r.count(), l.sum() + r.sum()); }
                        }"""));
        CompiledCode.classes(tmp.resolve("factory"), Map.of("com.acme.factory.StatsJob", """
                package com.acme.factory;
                import com.acme.stats.*;
                import dev.canopy.grid.*;
                public class StatsJob {
                    public static Job<Long, Stats> job() {
                        return Job.range(0, 10, new Identity()).reduce(new StatsReducer()).build();
                    }
                }"""), stats);
        fmtJar = CompiledCode.jar(tmp.resolve("fmt.jar"), Map.of("org.thirdparty.Fmt", """
                package org.thirdparty;
                public class Fmt {
                    public static String format(long n) { return "#" + n; }
                }"""));
        formatting = CompiledCode.classes(tmp.resolve("formatting"), Map.of("com.acme.fmt.FormatJob", """
                package com.acme.fmt;
                import dev.canopy.grid.*;
                import java.util.List;
                public class FormatJob {
                    public static Job<String, List<String>> job() {
                        return Job.range(0, 3, (i, ctx) -> org.thirdparty.Fmt.format(i)).reduce(Reducers.toList()).build();
                    }
                    // What every node has, named in code only: Hazelcast, Jackson, Canopy, the JDK.
                    static int members(com.hazelcast.core.HazelcastInstance grid) throws Exception {
                        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(1));
                        return grid.getCluster().getMembers().size() + json.length() + new java.util.ArrayList<GridNode>().size();
                    }
                }"""), fmtJar);
        values = CompiledCode.classes(tmp.resolve("values"), Map.of("org.values.Token", """
                package org.values;
                public class Token implements java.io.Serializable {
                    public String toString() { return "token"; }
                }"""));
        CompiledCode.classes(tmp.resolve("capturing"), Map.of("com.acme.cap.CaptureJob", """
                package com.acme.cap;
                import dev.canopy.grid.*;
                import java.util.List;
                public class CaptureJob {
                    public static Job<String, List<String>> job(Object value) {
                        return Job.range(0, 3, (i, ctx) -> value + "-" + i).reduce(Reducers.toList()).build();
                    }
                }"""));
        Path calc = CompiledCode.classes(tmp.resolve("calc"), Map.of("com.acme.calc.Calc", """
                package com.acme.calc;
                public class Calc {
                    public static Long twice(long i, dev.canopy.grid.TaskContext ctx) { return 2 * i; }
                }"""));
        CompiledCode.classes(tmp.resolve("refs"), Map.of("com.acme.refs.RefJob", """
                package com.acme.refs;
                import dev.canopy.grid.*;
                public class RefJob {
                    public static Job<Long, Long> job() {
                        return Job.range(0, 3, com.acme.calc.Calc::twice).reduce(Reducers.sumLong()).build();
                    }
                }"""), calc);
        loader = CompiledCode.loader(lambdas, helpers, tasks, stats, tmp.resolve("factory"), fmtJar, formatting,
                values, tmp.resolve("capturing"), calc, tmp.resolve("refs"));
    }

    @AfterAll
    static void closeLoader() throws IOException {
        loader.close();
    }

    @Test
    void whenLambdaOfCompiledClass_thenItsFolderIsShipped() throws Exception {
        // given
        Object spec = spec("com.acme.lambdas.Squares");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of());

        // then
        assertEquals(List.of("lambdas"), names(code));
        assertEquals(lambdas, code.entries().get(0).source());
    }

    @Test
    void whenMethodReferenceToAnotherFolder_thenBothFoldersAreShipped() throws Exception {
        // given
        Object spec = spec("com.acme.refs.RefJob");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of());

        // then
        assertEquals(List.of("calc", "refs"), names(code));
    }

    @Test
    void whenNamedTaskUsesHelperOnlyFromCode_thenHelperFolderIsShippedToo_inClassPathOrder() throws Exception {
        // given
        Object spec = spec("com.acme.tasks.ShoutJob");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of());

        // then: helpers precede tasks on the loader's class path
        assertEquals(List.of("helpers", "tasks"), names(code));
    }

    @Test
    void whenReducerOfUserType_thenItsFolderIsShipped_butNotTheFactoryThatBuiltTheJob() throws Exception {
        // given
        Object spec = spec("com.acme.factory.StatsJob");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of());

        // then
        assertEquals(List.of("stats"), names(code));
    }

    @Test
    void whenThirdPartyJarReachedOnlyFromCode_thenJarIsShipped_andNodeEntriesAreNot() throws Exception {
        // given
        Object spec = spec("com.acme.fmt.FormatJob");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of());

        // then
        assertEquals(List.of("fmt.jar", "formatting"), names(code));
        Set<Path> sources = code.entries().stream().map(ShippedCode.Entry::source).collect(Collectors.toSet());
        for (Class<?> onEveryNode : List.of(Job.class, HazelcastInstance.class, ObjectMapper.class)) {
            assertTrue(!sources.contains(CompiledCode.entryOf(onEveryNode)), onEveryNode + " was shipped");
        }
        ShippedCode.Entry jar = code.entries().get(0);
        byte[] onDisk = Files.readAllBytes(fmtJar);
        assertArrayEquals(onDisk, jar.bytes());
        assertEquals(new CodeEntry(sha256(onDisk), "fmt.jar", onDisk.length), jar.entry());
    }

    @Test
    void whenLambdaCapturesValueOfUserType_thenTheValuesFolderIsShipped() throws Exception {
        // given: Token is named by no code of the job, only held by its lambda
        Object token = loader.loadClass("org.values.Token").getConstructor().newInstance();
        Job<?, ?> job = (Job<?, ?>) loader.loadClass("com.acme.cap.CaptureJob")
                .getMethod("job", Object.class).invoke(null, token);

        // when
        ShippedCode code = scanner.scan(CompiledCode.specOf(job), loader, List.of());

        // then
        assertEquals(List.of("values", "capturing"), names(code));
    }

    @Test
    void whenJobUsesOnlyCanopyAndTheJdk_thenNothingIsShipped() {
        // given: this test class is on every node's class path here, under dev.canopy.grid
        Object spec = CompiledCode.specOf(Job.range(0, 5, (i, ctx) -> List.of(i)).reduce(Reducers.count()).build());

        // when
        ShippedCode code = scanner.scan(spec, getClass().getClassLoader(), List.of());

        // then
        assertTrue(code.isEmpty());
        assertTrue(code.codeSet().isEmpty());
    }

    @Test
    void whenSameFolderScannedTwice_thenSameHash_evenWithNewTimestamps() throws Exception {
        // given
        Object spec = spec("com.acme.tasks.ShoutJob");
        ShippedCode first = scanner.scan(spec, loader, List.of());
        try (var files = Files.walk(tasks)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 86_400_000L));
            }
        }

        // when
        ShippedCode second = scanner.scan(spec, loader, List.of());

        // then
        assertEquals(first.codeSet(), second.codeSet());
        assertEquals(first.codeSet().id(), second.codeSet().id());
        assertArrayEquals(first.entries().get(1).bytes(), second.entries().get(1).bytes());
    }

    @Test
    void whenFolderContentChanges_thenItsHashChanges() throws Exception {
        // given
        Path folder = CompiledCode.classes(tmp.resolve("changing"), Map.of("com.acme.change.A", """
                package com.acme.change;
                public class A { }"""));
        ShippedCode before = scanner.scan(spec("com.acme.lambdas.Squares"), loader, List.of(folder));

        // when
        Files.writeString(folder.resolve("note.txt"), "changed");
        ShippedCode after = scanner.scan(spec("com.acme.lambdas.Squares"), loader, List.of(folder));

        // then
        assertEquals(before.entries().get(0).entry(), after.entries().get(0).entry());
        assertNotEquals(before.entries().get(1).entry().sha256(), after.entries().get(1).entry().sha256());
    }

    @Test
    void whenShipped_thenCodeSetIdIsHashOfEntryHashesJoinedByComma() throws Exception {
        // given
        Object spec = spec("com.acme.tasks.ShoutJob");

        // when
        CodeSet set = scanner.scan(spec, loader, List.of()).codeSet();

        // then
        String joined = set.entries().get(0).sha256() + "," + set.entries().get(1).sha256();
        assertEquals(sha256(joined.getBytes(StandardCharsets.UTF_8)), set.id());
        assertEquals(64, set.id().length());
    }

    @Test
    void whenExtraEntriesAdded_thenShippedAfterScannedOnes_inGivenOrder_eachOnce() throws Exception {
        // given
        Object spec = spec("com.acme.lambdas.Squares");

        // when
        ShippedCode code = scanner.scan(spec, loader, List.of(values, fmtJar, lambdas));

        // then
        assertEquals(List.of("lambdas", "values", "fmt.jar"), names(code));
    }

    @Test
    void whenExtraEntryIsMissingOrNotAJar_thenClearError() throws Exception {
        // given
        Object spec = spec("com.acme.lambdas.Squares");
        Path missing = tmp.resolve("missing.jar");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not a jar");

        // when
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> scanner.scan(spec, loader, List.of(missing)));
        IllegalArgumentException notJar = assertThrows(IllegalArgumentException.class,
                () -> scanner.scan(spec, loader, List.of(text)));

        // then
        assertEquals("extra code entry " + missing + " does not exist: pass an existing jar file or class folder",
                noFile.getMessage());
        assertTrue(notJar.getMessage().startsWith("extra code entry " + text + " is not a jar ("), notJar.getMessage());
        assertTrue(notJar.getMessage().endsWith("): pass a jar file or a class folder"), notJar.getMessage());
    }

    private static Object spec(String factory) throws ReflectiveOperationException {
        return CompiledCode.specOf((Job<?, ?>) loader.loadClass(factory).getMethod("job").invoke(null));
    }

    private static List<String> names(ShippedCode code) {
        return code.entries().stream().map(e -> e.entry().name()).collect(Collectors.toList());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
