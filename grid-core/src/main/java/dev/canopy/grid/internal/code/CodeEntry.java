package dev.canopy.grid.internal.code;

import java.io.Serializable;

/**
 * One class-path entry shipped with a job, as a jar (a class folder is shipped as a jar built from
 * it).
 *
 * @param sha256 the jar's SHA-256, lower-case hex: its key in the grid and its name in a member's cache
 * @param name   the jar's or folder's file name, for messages
 * @param size   its size in bytes
 */
public record CodeEntry(String sha256, String name, long size) implements Serializable {
}
