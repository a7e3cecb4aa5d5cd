package dev.canopy.grid.internal.trust;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.List;

/**
 * The classes Hazelcast may Java-deserialize on the members and clients Canopy starts: an
 * allow-list for Hazelcast's {@link JavaSerializationFilterConfig}.
 *
 * <p>Design note. Hazelcast reads whatever reaches a member's port, and an object written with Java
 * serialization names its own classes: without a filter, a stranger's bytes make the member load
 * any class on its class path and run its {@code readObject} (the "gadget chains" of
 * deserialization attacks). Hazelcast checks each class name against this list before it resolves
 * the class, so a class off the list is never loaded, let alone initialized.
 *
 * <p>What is on it: Canopy's records ({@code dev.canopy.grid.}), Hazelcast's own classes, and the
 * few JDK types those records hold ({@link #JDK_CLASSES}, {@link #JDK_PACKAGES}), found by running
 * every test suite with the filter on. User types need not be on it: partials and results travel
 * as bytes that Canopy decodes itself ({@code store.UserValue}), and a task's exception of a class
 * off the list travels as a {@code spec.RemoteTaskException} ({@code spec.Errors.portable} asks
 * {@link #travels}). What does need it is the user's own data in maps, when its keys or values use
 * Java serialization: the config key {@code serialAllow} adds their prefixes.
 *
 * <p>Immutable; any thread.
 */
public final class SerialFilter {

    /** Prefixes of the classes of Canopy and Hazelcast, everything under them. */
    public static final List<String> PREFIXES = List.of("dev.canopy.grid.", "com.hazelcast.");

    /**
     * The JDK package whose classes travel inside Canopy's records and errors, that package only,
     * not those under it: {@code java.lang} (boxed values, {@code String}, {@code Enum}, the JDK's
     * own exceptions and errors, {@code StackTraceElement}).
     */
    public static final List<String> JDK_PACKAGES = List.of("java.lang");

    /**
     * Single JDK classes that travel inside Canopy's and Hazelcast's records and errors: arrays of
     * bytes and ints (specs, values as bytes, partition lists); the collections that Canopy's records
     * hold ({@code List.of} and {@code Set.of} travel as {@code java.util.CollSer}); what every
     * exception's bytes name (its stack trace, and its suppressed exceptions as a list); UUIDs of
     * members; the exception of a timeout; and the {@code Properties} that Hazelcast's
     * map configs carry from member to member.
     */
    public static final List<String> JDK_CLASSES = List.of(
            "[B",
            "[I",
            "[Ljava.lang.StackTraceElement;",
            "java.util.ArrayList",
            "java.util.CollSer",
            "java.util.Collections$EmptyList",
            "java.util.HashSet",
            "java.util.Hashtable",
            "java.util.Properties",
            "java.util.UUID",
            "java.util.concurrent.TimeoutException");

    private static final ClassFilter CANOPY = allowList(List.of());

    private SerialFilter() {
    }

    /**
     * Hazelcast's filter: everything not on Canopy's list or {@code userPrefixes} is refused,
     * Hazelcast's own defaults (all of {@code java}) included.
     */
    public static JavaSerializationFilterConfig hazelcastFilter(List<String> userPrefixes) {
        return new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setWhitelist(allowList(userPrefixes));
    }

    /** True when Canopy's own list (without any user prefix) lets {@code className} through. */
    public static boolean admits(String className) {
        return CANOPY.isListed(className);
    }

    /**
     * True when {@code value} can be Java-serialized and every class its bytes name is on Canopy's
     * own list: a member or client that Canopy started reads it back, whatever its {@code serialAllow}.
     */
    public static boolean travels(Object value) {
        try (NameCheck out = new NameCheck()) {
            out.writeObject(value);
            return out.refused == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static ClassFilter allowList(List<String> userPrefixes) {
        ClassFilter list = new ClassFilter();
        list.addPrefixes(PREFIXES.toArray(String[]::new));
        list.addPackages(JDK_PACKAGES.toArray(String[]::new));
        list.addClasses(JDK_CLASSES.toArray(String[]::new));
        if (!userPrefixes.isEmpty()) {
            list.addPrefixes(userPrefixes.toArray(String[]::new));
        }
        return list;
    }

    /**
     * Writes nothing, and notes the first class named in the stream that Canopy's list refuses: the
     * names a reader's filter would check, one class descriptor each.
     */
    private static final class NameCheck extends ObjectOutputStream {
        private String refused;

        NameCheck() throws IOException {
            super(OutputStream.nullOutputStream());
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            if (refused == null && !admits(desc.getName())) {
                refused = desc.getName();
            }
            super.writeClassDescriptor(desc);
        }
    }
}
