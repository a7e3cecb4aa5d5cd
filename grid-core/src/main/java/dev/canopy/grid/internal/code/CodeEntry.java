package dev.canopy.grid.internal.code;

/** One class-path entry shipped with a job, as a jar: its SHA-256 (lower-case hex), a display name (the
 *  jar's or folder's file name) and its size in bytes. */
public record CodeEntry(String sha256, String name, long size) implements java.io.Serializable { }
