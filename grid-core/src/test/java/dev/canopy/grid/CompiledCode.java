package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Code that no class path has: Java sources compiled at test time ({@code javax.tools}) into a folder
 * or a jar, and a class loader over them. Tests of code shipping use it to build jobs whose classes no
 * member can load from its own class path.
 *
 * <pre>{@code
 * Path helpers = CompiledCode.classes(tmp.resolve("helpers"), Map.of("com.acme.Helper", "package com.acme; ..."));
 * Path tasks = CompiledCode.jar(tmp.resolve("tasks.jar"), Map.of("com.acme.Task1", "..."), helpers);
 * try (URLClassLoader loader = CompiledCode.loader(helpers, tasks)) { ... }
 * }</pre>
 *
 * <p>Sources compile against this JVM's class path (so against Canopy, Hazelcast and the JDK) plus the
 * folders and jars given; a compile error fails the test with the compiler's messages.
 */
public final class CompiledCode {

    private CompiledCode() {
    }

    /**
     * Compiles {@code sources} (binary class name to source text) into the folder {@code dir}, created if
     * needed, against this JVM's class path and {@code classPath}; returns {@code dir}.
     */
    public static Path classes(Path dir, Map<String, String> sources, Path... classPath) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this JVM: run the tests on a JDK, not a JRE");
        }
        try {
            Files.createDirectories(dir);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                List<JavaFileObject> units = sources.entrySet().stream()
                        .map(e -> new Source(e.getKey(), e.getValue()))
                        .collect(Collectors.toList());
                List<String> options = List.of("-d", dir.toString(), "-proc:none", "-classpath",
                        compileClassPath(classPath));
                boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
                if (!ok) {
                    throw new AssertionError("test sources " + sources.keySet() + " do not compile:\n"
                            + diagnostics.getDiagnostics().stream()
                            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                            .map(Object::toString).collect(Collectors.joining("\n")));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles {@code sources} as {@link #classes} does, into a folder next to {@code jarFile}, and packs
     * them into {@code jarFile}; returns {@code jarFile}.
     */
    public static Path jar(Path jarFile, Map<String, String> sources, Path... classPath) {
        Path dir = classes(jarFile.resolveSibling(jarFile.getFileName() + ".classes"), sources, classPath);
        try (Stream<Path> walk = Files.walk(dir);
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jarFile))) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                zip.putNextEntry(new ZipEntry(dir.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jarFile;
    }

    /** A loader over {@code entries} (folders or jars), in that order, whose parent is the tests' loader. */
    public static URLClassLoader loader(Path... entries) {
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            try {
                urls[i] = entries[i].toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(entries[i] + " is not a path a class loader can read", e);
            }
        }
        return new URLClassLoader("compiled-code", urls, CompiledCode.class.getClassLoader());
    }

    /** What a submit hands the code scanner: the spec of a built job. */
    public static Object specOf(Job<?, ?> job) {
        return Job.specOf(job);
    }

    /** The class path entry (jar or folder) {@code type} was loaded from. */
    public static Path entryOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(type + " has no code source on disk", e);
        }
    }

    /** This JVM's class path, with Canopy and Hazelcast for sure (a launcher may hide them), then {@code extra}. */
    private static String compileClassPath(Path... extra) {
        Set<String> paths = new LinkedHashSet<>();
        for (String path : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        paths.add(entryOf(Job.class).toString());
        paths.add(entryOf(HazelcastInstance.class).toString());
        for (Path path : extra) {
            paths.add(path.toString());
        }
        return String.join(File.pathSeparator, new ArrayList<>(paths));
    }

    /** A source file held in memory. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String className, String text) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
