package dev.canopy.grid.internal.store;

import java.io.Serializable;

/**
 * A value of a job that ships code (a partial, or its result), serialized by Canopy with the job's
 * class loader before it enters a Hazelcast map or message. Hazelcast stores and moves it as bytes,
 * so a member or client without the job's classes can hold it; only those with the job's code (the
 * members that run the job, its submitter) read it.
 *
 * @param bytes the value, Java-serialized
 */
public record UserValue(byte[] bytes) implements Serializable {

    /** True for null and the JDK's boxed primitives: values every member reads, and that are never large. */
    public static boolean isScalar(Object value) {
        return value == null || value instanceof Long || value instanceof Integer || value instanceof Double
                || value instanceof Boolean || value instanceof Float || value instanceof Short
                || value instanceof Byte || value instanceof Character;
    }
}
