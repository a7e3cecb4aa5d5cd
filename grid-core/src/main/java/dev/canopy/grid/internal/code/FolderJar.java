package dev.canopy.grid.internal.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A class folder packed as a jar, byte for byte the same each time the folder holds the same files:
 * entries sorted by path, every timestamp the same fixed local time (stored as a DOS time, with no
 * extra fields), no manifest, no comment. So the same folder always has the same SHA-256, and a job
 * submitted again from an unchanged build uploads nothing.
 */
final class FolderJar {

    /** The time every entry carries; any fixed value in the DOS range would do. */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private FolderJar() {
    }

    /** The jar of everything under {@code folder}, directories included, as bytes. */
    static byte[] pack(Path folder) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.filter(p -> !p.equals(folder)).collect(Collectors.toList());
        }
        List<String> names = paths.stream()
                .map(p -> entryName(folder, p) + (Files.isDirectory(p) ? "/" : ""))
                .sorted()
                .collect(Collectors.toList());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(entry);
                if (!name.endsWith("/")) {
                    zip.write(Files.readAllBytes(folder.resolve(name)));
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The path of {@code file} under {@code folder} with '/' separators, as a jar names it. */
    private static String entryName(Path folder, Path file) {
        Path relative = folder.relativize(file);
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
