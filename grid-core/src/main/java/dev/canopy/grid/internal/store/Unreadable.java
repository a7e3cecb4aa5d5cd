package dev.canopy.grid.internal.store;

import java.io.Serializable;

/**
 * What {@link GridSerializers} read from bytes they cannot parse (a record cut short, written by
 * another Canopy version, or not a record at all under Canopy's type id), in place of throwing.
 * Throwing would not only fail every query that meets the entry: Hazelcast deserializes a value to
 * update the {@code state} index of {@code canopy.jobs}, so the entry could then be neither indexed
 * nor removed. Readers skip it as they skip any value that is not theirs ({@link ForeignEntries}).
 *
 * @param type the record the bytes were meant to be
 * @param why  what failed reading them
 */
record Unreadable(String type, String why) implements Serializable {
}
