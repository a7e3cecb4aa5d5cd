package dev.canopy.grid;

import java.io.Serializable;

/**
 * The body of a {@link Job#keyed keyed} or {@link Job#overMap over-map} job: called once per key
 * (once per attempt) on a worker thread of the member that owns the key's partition, with the
 * value read locally ({@code null} when the key has no value). It may block, but must not modify
 * the map entry it was given through a blocking call on the same key from a partition thread.
 */
@FunctionalInterface
public interface EntryTask<K, V, T> extends Serializable {
    T run(K key, V value, TaskContext ctx) throws Exception;
}
