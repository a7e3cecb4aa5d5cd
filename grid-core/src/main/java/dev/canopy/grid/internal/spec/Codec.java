package dev.canopy.grid.internal.spec;

import dev.canopy.grid.EntryTask;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.LongIndexTask;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Task;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Java serialization of job specs, with errors that name the task or reducer that cannot travel and
 * the path inside it to the value that is not Serializable ({@link SerialPath}).
 */
public final class Codec {

    private Codec() {
    }

    /**
     * @param what names the value in a message, e.g. {@code job 'primes'}
     * @throws IllegalArgumentException naming the task or reducer that cannot be serialized, the path
     *         of fields down to the value that is not Serializable, and the fix
     */
    public static byte[] serialize(Object value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(notSerializable(value, what, e.getMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be serialized: " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * "task com.acme.Primes$$Lambda (lambda in com.acme.Primes.main) of job 'primes' cannot be
     * serialized: captured arg 0 (java.util.HashMap) -> value of key "k" -> java.lang.Object is not
     * Serializable; make it Serializable": the first task or reducer on the path to the refused
     * object (see {@link SerialPath}) names what the user wrote, the rest of the path says where.
     */
    private static String notSerializable(Object value, String what, String refusedClass) {
        SerialPath.Found found = SerialPath.find(value, refusedClass);
        if (found == null) {
            return what + " cannot be serialized: " + SerialPath.className(refusedClass) + " is not Serializable;"
                    + " make it Serializable, or capture only serializable values in task and reducer lambdas";
        }
        List<SerialPath.Step> path = found.path();
        int subject = -1;
        for (int i = 0; i < path.size() && subject < 0; i++) {
            subject = isUserCode(path.get(i).value()) ? i : -1;
        }
        StringBuilder message = new StringBuilder();
        if (subject >= 0) {
            Object code = path.get(subject).value();
            String origin = SerialPath.lambdaOrigin(code);
            message.append(code instanceof Reducer<?, ?> ? "reducer " : "task ").append(SerialPath.className(code))
                    .append(origin == null ? "" : " (" + origin + ")").append(" of ");
        }
        message.append(what).append(" cannot be serialized: ");
        List<SerialPath.Step> below = path.subList(subject + 1, path.size());
        for (int i = 0; i < below.size(); i++) {
            SerialPath.Step step = below.get(i);
            boolean refused = i == below.size() - 1 && !found.inside();
            message.append(step.label()).append(refused ? "" : " (" + SerialPath.className(step.value()) + ")")
                    .append(" -> ");
        }
        message.append(found.inside() ? "... -> " : "").append(SerialPath.className(refusedClass))
                .append(" is not Serializable; ")
                .append(fix(below, found.inside(), refusedClass));
        return message.toString();
    }

    private static boolean isUserCode(Object value) {
        return value instanceof IndexTask<?> || value instanceof LongIndexTask || value instanceof Task<?>
                || value instanceof EntryTask<?, ?, ?> || value instanceof Reducer<?, ?>;
    }

    private static String fix(List<SerialPath.Step> below, boolean inside, String refusedClass) {
        if (refusedClass.contains("$$Lambda")) {
            return "make it a lambda of a Serializable interface, e.g. with a cast to (Function<A, B> & Serializable)";
        }
        String last = below.isEmpty() || inside ? "" : below.get(below.size() - 1).label();
        if (last.startsWith("field ")) {
            return "make it Serializable or mark the field transient";
        }
        if (last.startsWith("captured arg ")) {
            return "make it Serializable or do not capture it in the lambda";
        }
        return "make it Serializable";
    }

    /**
     * Reads what {@link #serialize} wrote, resolving classes with {@code loader}, within
     * {@link DecodeBounds}: a job's spec, or a value of a job (a result, a partial).
     *
     * @throws Refused naming the bound the bytes passed (depth, objects, array length, bytes)
     * @throws IllegalStateException naming the first class that could not be found, whatever error
     *         that caused later (a lambda whose capturing class is missing surfaces as a
     *         ClassCastException of a SerializedLambda, which names nothing the user wrote)
     * @throws UncheckedIOException when the bytes are not a serialized object
     */
    public static Object deserialize(byte[] bytes, ClassLoader loader) {
        String tooLarge = DecodeBounds.refuseSize(bytes.length);
        if (tooLarge != null) {
            throw new Refused(tooLarge, null);
        }
        DecodeBounds bounds = new DecodeBounds(bytes.length);
        LoaderObjectInputStream in = null;
        try {
            in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader, bounds);
            Object value = in.readObject();
            if (bounds.refusal() != null) {
                // a class's own readObject caught the filter's exception and read on
                throw new Refused(bounds.refusal(), null);
            }
            return value;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (e instanceof Refused refused) {
                throw refused;
            }
            if (bounds.refusal() != null) {
                throw new Refused(bounds.refusal(), e);
            }
            String missing = in == null ? null : in.firstMissing;
            if (missing == null && e instanceof ClassNotFoundException) {
                missing = e.getMessage();
            }
            if (missing != null) {
                throw new ClassMissing(missing, e);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot read a job spec: " + e.getMessage(), io);
            }
            throw new IllegalStateException("cannot read a job spec: " + e, e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // reading from a byte array: nothing to release
                }
            }
        }
    }

    /**
     * Bytes past one of {@link DecodeBounds}: the message names the bound and by how much, e.g.
     * "depth 21 exceeds the bound 20 (a value nested that deep is refused as a possible
     * deserialization bomb)"; callers say what the bytes were.
     */
    public static final class Refused extends IllegalStateException {
        Refused(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /** Bytes that name a class this loader cannot find: the message says so, and what to do. */
    public static final class ClassMissing extends IllegalStateException {
        private final String className;

        ClassMissing(String className, Throwable cause) {
            super("cannot read a job spec: class " + className + " is not on this member's class path, nor in the"
                    + " code the job shipped; submit with shipCode true, or add its jar or folder to codePaths (a"
                    + " class reached only by reflection)", cause);
            this.className = className;
        }

        public String className() {
            return className;
        }
    }

    /** True when {@code value} survives Java serialization. */
    static boolean isSerializable(Object value) {
        try (ObjectOutputStream out = new ObjectOutputStream(ByteArrayOutputStream.nullOutputStream())) {
            out.writeObject(value);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;
        /** The first class that could not be resolved, or null. */
        String firstMissing;

        LoaderObjectInputStream(InputStream in, ClassLoader loader, ObjectInputFilter bounds) throws IOException {
            super(in);
            this.loader = loader;
            // merged with a JVM-wide filter (jdk.serialFilter), which would otherwise be replaced
            ObjectInputFilter jvmWide = getObjectInputFilter();
            setObjectInputFilter(jvmWide == null ? bounds : ObjectInputFilter.merge(bounds, jvmWide));
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                try {
                    return super.resolveClass(desc);
                } catch (ClassNotFoundException missing) {
                    if (firstMissing == null) {
                        firstMissing = desc.getName();
                    }
                    throw missing;
                }
            }
        }
    }
}
