package dev.canopy.grid.internal.code;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.File;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/** The state of one scan: the classes seen and to see, the entries found, the jars it has open. */
final class ClassPathScan implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CodeScanner.class);
    /** The submitter's loader first, then every loader a class of the graph came from. */
    private final Set<ClassLoader> loaders = new LinkedHashSet<>();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<ClassLoader, Set<String>> seen = new HashMap<>();
    /** Found entries, in the order found; sorted into class-path order at the end. */
    private final Set<Path> found = new LinkedHashSet<>();
    private final Map<Path, JarFile> jars = new HashMap<>();
    private final Set<String> warned = new HashSet<>();

    ClassPathScan(ClassLoader loader) {
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
        if (!CodeScanner.onEveryNode(next.name())) {
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

    /** A class to look at, through the loader that names it; {@code loader} null: try every loader seen. */
    private record Pending(String name, ClassLoader loader, Class<?> type) {
    }

    /** Serializes into nothing, telling the scan each class and lambda it writes. */
    private static final class GraphWriter extends ObjectOutputStream {
        private final ClassPathScan scan;

        GraphWriter(ClassPathScan scan) throws IOException {
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
