package dev.canopy.grid.internal.spec;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Where in a value Java serialization met the object it refused: the path from the value down to
 * that object, through what serialization writes (the non-static, non-transient fields of each
 * serializable class, array and collection elements, map keys and values, the captured arguments
 * of a serializable lambda). The JDK keeps this path to itself (it prints it only with
 * {@code -Dsun.io.serialization.extendedDebugInfo=true}, read once per JVM), so it is walked again
 * here, and only after serialization failed: the happy path pays nothing.
 *
 * <p>The walk looks for the class that serialization named ({@code NotSerializableException}'s
 * message), so a field a class's own {@code writeObject} leaves out cannot mislead it. It reads
 * fields only of classes whose package is open to it (the class path's, Canopy's): a JDK object
 * that is not a collection, map or array is not looked into, and when nothing else is found the
 * path leads to the first such object. Bounded: each object is visited once, at most {@value #MAX_DEPTH} levels
 * deep and {@value #MAX_OBJECTS} objects in all.
 */
final class SerialPath {

    static final int MAX_DEPTH = 64;
    static final int MAX_OBJECTS = 1_000_000;
    /** How much of a map key a step shows. */
    static final int SHOWN_KEY_CHARS = 40;

    /** One step down: how {@code value} is reached from the value before it. */
    record Step(String label, Object value) {
    }

    /**
     * The path to the refused object, its last step that object; or, when {@code inside} is true,
     * the path to the JDK object it is most likely inside of (the walk could not look further).
     */
    record Found(List<Step> path, boolean inside) {
    }

    private final String refusedClass;
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Step> path = new ArrayList<>();
    private List<Step> firstClosed;

    private SerialPath(String refusedClass) {
        this.refusedClass = refusedClass;
    }

    /**
     * The path from {@code root} to the first object of class {@code refusedClass} that is not
     * serializable (any such object when {@code refusedClass} is null), or null when there is none
     * to be found.
     */
    static Found find(Object root, String refusedClass) {
        SerialPath walk = new SerialPath(refusedClass);
        if (walk.visit(root, 0)) {
            return new Found(List.copyOf(walk.path), false);
        }
        return walk.firstClosed == null ? null : new Found(walk.firstClosed, true);
    }

    /** How a message shows a value's class: a lambda by the class that wrote it, without its JVM-made suffix. */
    static String className(Object value) {
        return className(value.getClass().getName());
    }

    /** {@code com.acme.Primes$$Lambda} for {@code com.acme.Primes$$Lambda$14/0x0000000801001234}; other names as they are. */
    static String className(String name) {
        int lambda = name.indexOf("$$Lambda");
        return lambda < 0 ? name : name.substring(0, lambda + "$$Lambda".length());
    }

    /**
     * Where a lambda comes from: {@code lambda in com.acme.Primes.main}, or {@code method reference
     * java.lang.Math::abs in com.acme.Primes}; null for anything else, or a lambda that is not serializable.
     */
    static String lambdaOrigin(Object value) {
        SerializedLambda lambda = isLambda(value.getClass()) ? serializedForm(value) : null;
        if (lambda == null) {
            return null;
        }
        String capturing = lambda.getCapturingClass().replace('/', '.');
        String method = lambda.getImplMethodName();
        // javac names a lambda's body lambda$<enclosing method>$<n>, or $<hash>$<n> when it is serializable
        int end = method.indexOf('$', "lambda$".length());
        if (method.startsWith("lambda$") && end > "lambda$".length()) {
            return "lambda in " + capturing + "." + method.substring("lambda$".length(), end);
        }
        return "method reference " + lambda.getImplClass().replace('/', '.') + "::" + method + " in " + capturing;
    }

    static boolean isLambda(Class<?> type) {
        return type.isSynthetic() && type.getName().contains("$$Lambda");
    }

    /** True when the path ends at the refused object. */
    private boolean visit(Object value, int depth) {
        if (depth > MAX_DEPTH || visited.size() >= MAX_OBJECTS || !visited.add(value)) {
            return false;
        }
        Class<?> type = value.getClass();
        if (isLambda(type)) {
            SerializedLambda lambda = serializedForm(value);
            if (lambda == null) {
                return isRefused(type);
            }
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                if (step("captured arg " + i, lambda.getCapturedArg(i), depth)) {
                    return true;
                }
            }
            return false;
        }
        if (type.isArray()) {
            if (!type.getComponentType().isPrimitive()) {
                Object[] elements = (Object[]) value;
                for (int i = 0; i < elements.length; i++) {
                    if (step("element " + i, elements[i], depth)) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (!(value instanceof Serializable)) {
            return isRefused(type);
        }
        if (value instanceof Enum<?> || value instanceof Class<?> || value instanceof String) {
            return false;   // written by name
        }
        if (value instanceof Collection<?> elements) {
            int i = 0;
            for (Object element : elements) {
                if (step("element " + i++, element, depth)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = quote(entry.getKey());
                if (step("key " + key, entry.getKey(), depth) || step("value of key " + key, entry.getValue(), depth)) {
                    return true;
                }
            }
            return false;
        }
        if (!type.getModule().isOpen(type.getPackageName(), SerialPath.class.getModule())) {
            // a JDK object (or one of a module that keeps its fields to itself): serializable itself
            if (firstClosed == null && !isValue(value)) {
                firstClosed = List.copyOf(path);
            }
            return false;
        }
        return fields(value, type, depth);
    }

    /** The fields serialization writes: non-static, non-transient, of each serializable class up the hierarchy. */
    private boolean fields(Object value, Class<?> type, int depth) {
        for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType().isPrimitive()
                        || !field.trySetAccessible()) {
                    continue;
                }
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    continue;
                }
                if (step("field '" + field.getName() + "'", fieldValue, depth)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean step(String label, Object value, int depth) {
        if (value == null) {
            return false;
        }
        path.add(new Step(label, value));
        if (visit(value, depth + 1)) {
            return true;
        }
        path.remove(path.size() - 1);
        return false;
    }

    private boolean isRefused(Class<?> type) {
        return refusedClass == null || refusedClass.equals(type.getName());
    }

    /** JDK values that hold nothing of the user's: never where a refused object hides. */
    private static boolean isValue(Object value) {
        return value instanceof Number || value instanceof Boolean || value instanceof Character
                || value instanceof UUID || value.getClass().getPackageName().startsWith("java.time");
    }

    private static String quote(Object key) {
        String text = String.valueOf(key);
        return "\"" + (text.length() <= SHOWN_KEY_CHARS ? text : text.substring(0, SHOWN_KEY_CHARS - 3) + "...") + "\"";
    }

    /**
     * A serializable lambda's {@link SerializedLambda}, as serialization itself gets it (through the
     * lambda's private {@code writeReplace}, which reflection may not call on a class of a named
     * module); null for a lambda whose interface is not serializable.
     */
    private static SerializedLambda serializedForm(Object lambda) {
        try (FirstReplacement out = new FirstReplacement()) {
            out.writeObject(lambda);
            return out.first instanceof SerializedLambda serialized ? serialized : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Sees the object serialization would write in a value's place, and writes nothing. */
    private static final class FirstReplacement extends ObjectOutputStream {
        private Object first;

        FirstReplacement() throws IOException {
            super(OutputStream.nullOutputStream());
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (first == null) {
                first = obj;
            }
            return null;
        }
    }
}
