package dev.canopy.grid.internal.code;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one code set: child-first over the set's jars, except for what must be one
 * class on the whole member. The JDK, Canopy and the libraries Canopy's API exposes or runs on
 * (Hazelcast, Jackson, Micrometer, SLF4J) always come from the node's loader, so a job's
 * {@code Task} is the engine's {@code Task} whatever the job's jars hold; everything else is looked
 * up in the set's jars first, so two builds of {@code com.acme.Answer} run side by side, and a job
 * gets its own version of a library the node also has.
 */
final class JobClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Binary-name prefixes always loaded by the node's loader. */
    private static final List<String> NODE_FIRST = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "dev.canopy.grid.", "com.hazelcast.", "com.fasterxml.jackson.", "io.micrometer.", "org.slf4j.");

    /** The same prefixes as resource paths ({@code java/...}), for {@link #getResource}. */
    private static final List<String> NODE_FIRST_PATHS = NODE_FIRST.stream().map(p -> p.replace('.', '/')).toList();

    JobClassLoader(String name, URL[] jars, ClassLoader node) {
        super(name, jars, node);
    }

    static boolean isNodeFirst(String className) {
        return NODE_FIRST.stream().anyMatch(className::startsWith);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isNodeFirst(name)) {
            return super.loadClass(name, resolve);  // parent-first: the node's class, never the jar's
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInJars) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isNodeFirstPath(name)) {
            return super.getResource(name);
        }
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (isNodeFirstPath(name)) {
            return super.getResources(name);
        }
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    private static boolean isNodeFirstPath(String resource) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        return NODE_FIRST_PATHS.stream().anyMatch(path::startsWith);
    }
}
