package dev.canopy.grid.internal.code;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.SerializedLambda;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

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

    private static final Logger LOG = LoggerFactory.getLogger(CodeScanner.class);

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
        try (Scan scan = new Scan(loader)) {
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

    /** A class to look at, through the loader that names it; {@code loader} null: try every loader seen. */
    private record Pending(String name, ClassLoader loader, Class<?> type) {
    }

    /** The state of one scan: the classes seen and to see, the entries found, the jars it has open. */
    private static final class Scan implements AutoCloseable {
        /** The submitter's loader first, then every loader a class of the graph came from. */
        private final Set<ClassLoader> loaders = new LinkedHashSet<>();
        private final Deque<Pending> pending = new ArrayDeque<>();
        private final Map<ClassLoader, Set<String>> seen = new HashMap<>();
        /** Found entries, in the order found; sorted into class-path order at the end. */
        private final Set<Path> found = new LinkedHashSet<>();
        private final Map<Path, JarFile> jars = new HashMap<>();
        private final Set<String> warned = new HashSet<>();

        Scan(ClassLoader loader) {
            loaders.add(loader);
        }

        void objectGraph(Object spec) {
            try (GraphWriter out = new GraphWriter(this)) {
                out.writeObject(spec);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot scan the classes of " + spec + ", as it cannot be "
                        + "serialized (" + e + "): make every task, reducer and captured value Serializable", e);
            }
        }

        void addClass(Class<?> type) {
            while (type.isArray()) {
                type = type.getComponentType();
            }
            ClassLoader loader = type.getClassLoader();
            if (type.isPrimitive() || type.isHidden() || loader == null) {
                return; // the boot loader's classes are the JDK's; a hidden class has no class file
            }
            loaders.add(loader);
            enqueue(new Pending(type.getName(), loader, type));
        }

        void addLambda(SerializedLambda lambda) {
            Set<String> names = new LinkedHashSet<>();
            names.add(lambda.getCapturingClass().replace('/', '.'));
            names.add(lambda.getImplClass().replace('/', '.'));
            names.add(lambda.getFunctionalInterfaceClass().replace('/', '.'));
            ClassRefs.addDescriptorTypes(lambda.getImplMethodSignature(), names);
            ClassRefs.addDescriptorTypes(lambda.getInstantiatedMethodType(), names);
            for (String name : names) {
                enqueue(new Pending(name, null, null));
            }
        }

        private void enqueue(Pending next) {
            if (!onEveryNode(next.name())) {
                pending.add(next);
            }
        }

        void followCode() {
            Pending next;
            while ((next = pending.poll()) != null) {
                follow(next);
            }
        }

        private void follow(Pending next) {
            String resource = next.name().replace('.', '/') + ".class";
            ClassLoader loader = next.loader();
            URL url = null;
            if (loader != null) {
                if (!markSeen(loader, next.name())) {
                    return;
                }
                url = loader.getResource(resource);
            } else {
                for (ClassLoader candidate : loaders) {
                    url = candidate.getResource(resource);
                    if (url != null) {
                        loader = candidate;
                        break;
                    }
                }
                if (loader == null || !markSeen(loader, next.name())) {
                    return;
                }
            }
            if (url == null && next.type() == null) {
                return; // not found (an optional dependency missing here too): nothing to ship for it
            }
            Path entry = url != null ? entryOf(url, resource) : codeSourceOf(next.type());
            if (entry == null) {
                return;
            }
            found.add(entry);
            try {
                byte[] classFile = read(entry, resource);
                if (classFile == null) {
                    return;
                }
                for (String name : ClassRefs.of(classFile, resource + " in " + entry)) {
                    enqueue(new Pending(name, loader, null));
                }
            } catch (IOException e) {
                // The entry ships anyway; only what this one class reaches may be missed.
                LOG.warn("cannot read {} in {} to find the classes it uses: {}", resource, entry, e.getMessage());
            }
        }

        /** True the first time {@code name} is seen through {@code loader}. */
        private boolean markSeen(ClassLoader loader, String name) {
            return seen.computeIfAbsent(loader, l -> new HashSet<>()).add(name);
        }

        /** The class-path entry holding {@code resource}, found at {@code url}; null for the JDK or no file. */
        private Path entryOf(URL url, String resource) {
            try {
                switch (url.getProtocol()) {
                    case "jrt":
                        return null;
                    case "file": {
                        Path root = Path.of(url.toURI());
                        for (int i = resource.split("/").length; i > 0 && root != null; i--) {
                            root = root.getParent();
                        }
                        return root == null ? null : root.toAbsolutePath().normalize();
                    }
                    case "jar": {
                        String spec = url.toString();
                        int end = spec.indexOf("!/");
                        URI jar = new URI(spec.substring("jar:".length(), end < 0 ? spec.length() : end));
                        if ("file".equals(jar.getScheme())) {
                            return Path.of(jar).toAbsolutePath().normalize();
                        }
                        break;
                    }
                    default:
                        break;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // unshippable, as below
            }
            warnOnce(url.getProtocol(), "cannot ship class " + resource + " found at " + url + ": only jars and "
                    + "class folders on disk can travel; put it on every node's class path");
            return null;
        }

        /** For a class whose loader hides its resources: its code source, when that is a file. */
        private Path codeSourceOf(Class<?> type) {
            if (type == null) {
                return null;
            }
            CodeSource source = type.getProtectionDomain().getCodeSource();
            try {
                if (source != null && source.getLocation() != null
                        && "file".equals(source.getLocation().getProtocol())) {
                    return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // unshippable, as below
            }
            warnOnce(type.getName(), "cannot ship class " + type.getName() + ": its loader "
                    + type.getClassLoader() + " shows neither its class file nor a code source on disk; "
                    + "put it on every node's class path");
            return null;
        }

        /** The class file {@code resource} of {@code entry}, or null when missing there. */
        private byte[] read(Path entry, String resource) throws IOException {
            if (Files.isDirectory(entry)) {
                Path file = entry.resolve(resource);
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            JarFile jar = jars.get(entry);
            if (jar == null) {
                // Versioned, as the loader reads a multi-release jar.
                jar = new JarFile(entry.toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion());
                jars.put(entry, jar);
            }
            JarEntry file = jar.getJarEntry(resource);
            if (file == null) {
                return null;
            }
            try (var in = jar.getInputStream(file)) {
                return in.readAllBytes();
            }
        }

        private void warnOnce(String key, String message) {
            if (warned.add(key)) {
                LOG.warn(message);
            }
        }

        /** The entries found, sorted by their place on the loaders' class paths; unknown ones last, as found. */
        List<Path> inClassPathOrder() {
            Map<Path, Integer> order = new HashMap<>();
            for (ClassLoader loader : loaders) {
                for (Path path : classPath(loader)) {
                    order.putIfAbsent(path, order.size());
                }
            }
            List<Path> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparingInt(p -> order.getOrDefault(p, Integer.MAX_VALUE)));
            return sorted;
        }

        /** The entries {@code loader} searches, in the order parent-first delegation searches them. */
        private static List<Path> classPath(ClassLoader loader) {
            List<ClassLoader> chain = new ArrayList<>();
            for (ClassLoader l = loader; l != null; l = l.getParent()) {
                chain.add(l);
            }
            Collections.reverse(chain);
            List<Path> paths = new ArrayList<>();
            for (ClassLoader l : chain) {
                if (l instanceof URLClassLoader urls) {
                    for (URL url : urls.getURLs()) {
                        addPath(url, paths);
                    }
                } else if (l == ClassLoader.getSystemClassLoader()) {
                    for (String path : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
                        if (!path.isEmpty()) {
                            paths.add(Path.of(path).toAbsolutePath().normalize());
                        }
                    }
                }
            }
            return paths;
        }

        private static void addPath(URL url, List<Path> paths) {
            if ("file".equals(url.getProtocol())) {
                try {
                    paths.add(Path.of(url.toURI()).toAbsolutePath().normalize());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file on disk: no place in the order
                }
            }
        }

        @Override
        public void close() {
            for (JarFile jar : jars.values()) {
                try {
                    jar.close();
                } catch (IOException e) {
                    LOG.debug("cannot close {}: {}", jar.getName(), e.getMessage());
                }
            }
        }
    }

    /** Serializes into nothing, telling the scan each class and lambda it writes. */
    private static final class GraphWriter extends ObjectOutputStream {
        private final Scan scan;

        GraphWriter(Scan scan) throws IOException {
            super(OutputStream.nullOutputStream());
            this.scan = scan;
            enableReplaceObject(true);
        }

        @Override
        protected void annotateClass(Class<?> type) {
            scan.addClass(type);
        }

        @Override
        protected void annotateProxyClass(Class<?> type) {
            for (Class<?> face : type.getInterfaces()) {
                scan.addClass(face);
            }
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof SerializedLambda lambda) {
                scan.addLambda(lambda);
            }
            return obj;
        }
    }
}
