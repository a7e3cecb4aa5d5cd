package dev.canopy.grid.internal.spec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/** Java serialization of job specs, with errors that name the class that cannot travel. */
public final class Codec {

    private Codec() {
    }

    /** @throws IllegalArgumentException naming the first class that is not serializable */
    public static byte[] serialize(Object value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(what + " cannot be shipped to other members: class " + e.getMessage()
                    + " is not Serializable; make it implement java.io.Serializable, or capture only serializable"
                    + " values in task and reducer lambdas", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be serialized: " + e, e);
        }
        return bytes.toByteArray();
    }

    public static Object deserialize(byte[] bytes, ClassLoader loader) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a job spec: " + e.getMessage(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot read a job spec: class " + e.getMessage()
                    + " is not on this member's class path; deploy the job's classes on every member", e);
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

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
