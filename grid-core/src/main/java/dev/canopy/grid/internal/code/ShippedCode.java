package dev.canopy.grid.internal.code;

import java.nio.file.Path;
import java.util.List;

/**
 * What a job ships, as {@link CodeScanner} found it: its entries in class-path order, each with the jar's
 * bytes ready to upload (a class folder already packed as a jar).
 */
public record ShippedCode(List<Entry> entries) {

    /** Nothing to ship: every class the job uses is on every node already. */
    public static final ShippedCode NONE = new ShippedCode(List.of());

    public ShippedCode {
        entries = List.copyOf(entries);
    }

    /**
     * One shipped entry: its {@link CodeEntry}, where it was found on the submitter (a jar or a class
     * folder) and the jar's bytes, whose SHA-256 and size the {@code entry} holds.
     */
    public record Entry(CodeEntry entry, Path source, byte[] bytes) {
    }

    /** The {@link CodeSet} a job carries: the entries' {@link CodeEntry}s in the same order. */
    public CodeSet codeSet() {
        return new CodeSet(entries.stream().map(Entry::entry).toList());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
