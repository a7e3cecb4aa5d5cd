package dev.canopy.grid;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the log printed while a capture was open. The tests log through slf4j-simple, which writes
 * each line to whatever {@code System.err} is at that moment, so a capture tees {@code System.err}
 * into a buffer (the test's output still shows everything) and puts the original back on close.
 * Open one at a time: {@code System.err} is JVM-wide.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                captured.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** The lines logged so far that contain {@code text}, each from {@code text} on (without time and thread). */
    public List<String> linesFrom(String text) {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(text))
                .map(line -> line.substring(line.indexOf(text)))
                .toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
