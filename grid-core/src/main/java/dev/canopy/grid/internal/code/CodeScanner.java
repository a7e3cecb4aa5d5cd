package dev.canopy.grid.internal.code;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarFile;

/**
 * Finds what a job must ship: the class-path entries (jars and class folders) holding the classes it
 * uses, except what every node already has. Called on the submitter, client or member, once per submit.
 *
 * <p>Design note. The classes come from two sources:
 * <ol>
 *   <li>the job's object graph: the spec is serialized once into a null stream by an
 *       {@link ObjectOutputStream} that records every class descriptor written ({@code annotateClass},
 *       {@code annotateProxyClass}) and every lambda. A lambda's hidden class never reaches
 *       {@code annotateClass}: its {@code writeReplace} turns it into a {@link SerializedLambda} before
 *       {@code replaceObject} sees it. That object's fields are written next: its capturing class is a
 *       {@code Class} field, so it is recorded as a class descriptor, and its captured values are recorded
 *       as any object. {@code replaceObject} adds the classes it names only by string (the
 *       implementation class of a method reference, the functional interface, the types in its
 *       signatures), which the capturing class's constant pool names as well;</li>
 *   <li>the code of those classes, transitively: each class file's constant pool and member descriptors
 *       ({@link ClassRefs}) name what it may load at run time, and each name is resolved through the loader
 *       the referencing class came from, as a resource, without loading the class.</li>
 * </ol>
 * Each class maps to the entry its {@code .class} resource lives in; whole entries are shipped, each as a
 * jar (a class folder packed deterministically, {@link FolderJar}).
 *
 * <p>What every node has is decided by class name, not by entry: classes of the JDK (a {@code jrt:}
 * resource, or the boot loader), and classes whose names start with one of {@link #NODE_PREFIXES} (Canopy,
 * grid-node, and the libraries grid-core and grid-node depend on) are neither shipped nor followed, so
 * their jars are never reached. A jar that holds such classes next to the user's own (a shaded
 * application jar) is still shipped when a user class in it is reached: the job needs those classes, and
 * the job's loader takes Canopy and its libraries from the node anyway.
 *
 * <p>Limits: classes named only in strings (reflection, service loaders) are not found; the user adds
 * their entries explicitly. A class whose resource is not a file on disk (say a jar inside a jar) cannot
 * be shipped; it is logged and left out.
 *
 * <p>Thread-safe: each {@link #scan} keeps its state to itself.
 */
public final class CodeScanner {

    /**
     * Binary-name prefixes of the classes every node has: Canopy's own (grid-core, grid-node) and its
     * dependencies (Hazelcast, Jackson with SnakeYAML, Micrometer with HdrHistogram and LatencyUtils, SLF4J,
     * picocli).
     */
    static final List<String> NODE_PREFIXES = List.of(
            "dev.canopy.grid.", "dev.canopy.node.",
            "com.hazelcast.", "com.fasterxml.jackson.", "org.yaml.snakeyaml.",
            "io.micrometer.", "org.HdrHistogram.", "org.LatencyUtils.",
            "org.slf4j.", "picocli.");


    /**
     * The entries {@code spec} needs that nodes lack, then {@code extra} (the entries the user added, for
     * classes found only by reflection), in class-path order, each once.
     *
     * @param spec   the job's object graph (its spec: tasks, lambdas, reducer, captured values); Serializable
     * @param loader the submitter's class loader: resolves the classes lambdas name, and gives the
     *               class-path order
     * @param extra  jars or class folders to ship as well, in the order given, after the scanned ones
     * @throws IllegalArgumentException when an extra entry is neither a jar nor a folder, or the spec
     *                                  cannot be serialized
     * @throws UncheckedIOException     when a shipped entry cannot be read
     */
    public ShippedCode scan(Object spec, ClassLoader loader, List<Path> extra) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(loader, "loader");
        List<Path> extras = checkExtra(Objects.requireNonNull(extra, "extra"));
        List<Path> paths;
        try (ClassPathScan scan = new ClassPathScan(loader)) {
            scan.objectGraph(spec);
            scan.followCode();
            paths = scan.inClassPathOrder();
        }
        LinkedHashSet<Path> all = new LinkedHashSet<>(paths);
        all.addAll(extras);
        if (all.isEmpty()) {
            return ShippedCode.NONE;
        }
        List<ShippedCode.Entry> entries = new ArrayList<>(all.size());
        for (Path path : all) {
            entries.add(pack(path));
        }
        return new ShippedCode(entries);
    }

    /** The extra entries, absolute, after checking each is a folder or a readable jar. */
    private static List<Path> checkExtra(List<Path> extra) {
        List<Path> checked = new ArrayList<>(extra.size());
        for (int i = 0; i < extra.size(); i++) {
            Path path = extra.get(i);
            if (path == null) {
                throw new IllegalArgumentException("extra code entry at index " + i
                        + " is null: pass a jar file or a class folder");
            }
            path = path.toAbsolutePath().normalize();
            if (Files.isRegularFile(path)) {
                try (JarFile ignored = new JarFile(path.toFile())) {
                    // readable as a jar
                } catch (IOException e) {
                    throw new IllegalArgumentException("extra code entry " + path + " is not a jar ("
                            + e.getMessage() + "): pass a jar file or a class folder", e);
                }
            } else if (!Files.isDirectory(path)) {
                throw new IllegalArgumentException("extra code entry " + path
                        + " does not exist: pass an existing jar file or class folder");
            }
            checked.add(path);
        }
        return checked;
    }

    /** The entry at {@code path} as a jar's bytes, with its hash (packed once while it is unchanged). */
    private static ShippedCode.Entry pack(Path path) {
        return PackedEntries.of(path);
    }

    static boolean onEveryNode(String className) {
        if (className.startsWith("java.")) {
            return true; // only the boot loader may define java.*
        }
        for (String prefix : NODE_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

}
