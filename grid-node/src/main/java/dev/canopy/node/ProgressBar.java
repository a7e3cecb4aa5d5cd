package dev.canopy.node;

import dev.canopy.grid.JobProgress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Shows how far a long job has got: tasks done of total, the rate in tasks per second and the time
 * left at that rate. Three modes:
 * <ul>
 *   <li>{@link Mode#TTY}: one line redrawn in place ({@code \r}), for a terminal;</li>
 *   <li>{@link Mode#PLAIN}: a new line at most every {@value #PLAIN_INTERVAL_MILLIS} ms, for a log or a pipe;</li>
 *   <li>{@link Mode#QUIET}: nothing.</li>
 * </ul>
 *
 * <pre>{@code
 * ProgressBar bar = new ProgressBar(out, "pi", ProgressBar.Mode.detect(quiet));
 * ProgressBar.Following following = bar.follow(handle::progress);
 * try {
 *     result = handle.result().get(10, TimeUnit.MINUTES);
 * } finally {
 *     following.close();                       // draws the last state and ends the line
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #update}, {@link #clear} and {@link #finish} may be called from any thread. The rate is the
 * average since the first update, so it does not jump when leaves commit in bursts.
 */
public final class ProgressBar {

    /** How often {@link #follow} polls, and so how often a TTY bar is redrawn. */
    public static final long POLL_INTERVAL_MILLIS = 250;
    /** The least time between two lines in {@link Mode#PLAIN}. */
    public static final long PLAIN_INTERVAL_MILLIS = 2_000;

    private static final int BAR_WIDTH = 30;

    /** Where and how progress is shown. */
    public enum Mode {
        TTY, PLAIN, QUIET;

        /** QUIET when asked, TTY when this JVM has a console ({@code System.console() != null}), else PLAIN. */
        public static Mode detect(boolean quiet) {
            return detect(quiet, System.console() != null);
        }

        static Mode detect(boolean quiet, boolean tty) {
            return quiet ? QUIET : tty ? TTY : PLAIN;
        }
    }

    private final PrintStream out;
    private final String label;
    private final Mode mode;
    private final LongSupplier nanoClock;

    private long startNanos = -1;
    private long lastLineNanos;
    private int lastWidth;
    private boolean finished;

    /** A bar that prints to {@code out}, each line starting with {@code label} (such as the job's name). */
    public ProgressBar(PrintStream out, String label, Mode mode) {
        this(out, label, mode, System::nanoTime);
    }

    ProgressBar(PrintStream out, String label, Mode mode, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.label = Objects.requireNonNull(label, "label");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public Mode mode() {
        return mode;
    }

    /** Starts the clock the rate and ETA are measured by, unless an update already has. */
    public synchronized void start() {
        if (startNanos < 0) {
            startNanos = nanoClock.getAsLong();
            lastLineNanos = startNanos;
        }
    }

    /** Shows {@code done} of {@code total}: redraws the TTY line, or prints a PLAIN line if one is due. */
    public synchronized void update(long done, long total) {
        start();
        long now = nanoClock.getAsLong();
        if (finished) {
            return;
        }
        switch (mode) {
            case TTY -> draw(render(done, total, now));
            case PLAIN -> {
                if (now - lastLineNanos >= TimeUnit.MILLISECONDS.toNanos(PLAIN_INTERVAL_MILLIS)) {
                    lastLineNanos = now;
                    out.println(render(done, total, now));
                }
            }
            case QUIET -> { }
        }
    }

    /**
     * Whether an {@link #update} now would show anything: in {@link Mode#TTY} until finished, in
     * {@link Mode#PLAIN} once a line is due, never in {@link Mode#QUIET}. A poller asks before it
     * reads progress, which can cost a grid call.
     */
    public synchronized boolean due() {
        if (finished) {
            return false;
        }
        return switch (mode) {
            case TTY -> true;
            case PLAIN -> startNanos < 0
                    || nanoClock.getAsLong() - lastLineNanos >= TimeUnit.MILLISECONDS.toNanos(PLAIN_INTERVAL_MILLIS);
            case QUIET -> false;
        };
    }

    /** Shows the final state and ends the line; later updates are ignored. Idempotent. */
    public synchronized void finish(long done, long total) {
        if (finished) {
            return;
        }
        start();
        long now = nanoClock.getAsLong();
        finished = true;
        switch (mode) {
            case TTY -> {
                draw(render(done, total, now));
                out.println();
            }
            case PLAIN -> out.println(render(done, total, now));
            case QUIET -> { }
        }
        out.flush();
    }

    /**
     * Erases the {@link Mode#TTY} line and leaves the cursor at its start, so other output can take
     * the line; the next {@link #update} draws the bar again. The other modes print whole lines, so
     * there is nothing to erase.
     */
    public synchronized void clear() {
        if (mode == Mode.TTY && lastWidth > 0 && !finished) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
            lastWidth = 0;
        }
    }

    /**
     * Polls {@code progress} every {@value #POLL_INTERVAL_MILLIS} ms on a daemon thread and shows it
     * (in PLAIN mode only when a line is {@linkplain #due due}),
     * until the returned handle is closed, which takes a last snapshot and {@linkplain #finish finishes}.
     * A snapshot that fails (the grid went away) is skipped.
     */
    public Following follow(Supplier<JobProgress> progress) {
        Objects.requireNonNull(progress, "progress");
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "canopy-progress-" + label);
            t.setDaemon(true);
            return t;
        });
        start();
        if (mode != Mode.QUIET) {
            poller.scheduleWithFixedDelay(() -> {
                JobProgress p = due() ? snapshot(progress) : null;
                if (p != null) {
                    update(p.done(), p.total());
                }
            }, 0, POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        return () -> {
            poller.shutdownNow();
            try {
                poller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            JobProgress last = mode == Mode.QUIET ? null : snapshot(progress);
            if (last != null) {
                finish(last.done(), last.total());
            } else {
                finish(0, 0);
            }
        };
    }

    /** What {@link #follow} returns: closing it stops the polling and finishes the bar. */
    @FunctionalInterface
    public interface Following extends AutoCloseable {
        @Override
        void close();
    }

    private static JobProgress snapshot(Supplier<JobProgress> progress) {
        try {
            return progress.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void draw(String line) {
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    /** One line: label, bar (TTY only), percent, done/total, rate and ETA (or the time taken, once finished). */
    String render(long done, long total, long now) {
        double seconds = (now - startNanos) / 1e9;
        double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        StringBuilder line = new StringBuilder(label).append(' ');
        if (mode == Mode.TTY) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append('[').append("=".repeat(filled));
            if (filled < BAR_WIDTH) {
                line.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
            }
            line.append("] ");
        }
        line.append(String.format(Locale.ROOT, "%3d%%  %,d/%,d tasks", (int) Math.floor(fraction * 100), done, total));
        double rate = seconds > 0 ? done / seconds : 0;
        line.append(String.format(Locale.ROOT, "  %,.0f tasks/s", rate));
        if (total > 0 && done >= total) {
            // every task done, but the job may still be combining results until it ends
            line.append(finished ? "  done in " + duration(seconds) : "  finishing");
        } else {
            line.append("  ETA ").append(rate > 0 && total > 0 ? duration((total - done) / rate) : "--");
        }
        return line.toString();
    }

    /** {@code 950ms}, {@code 12s}, {@code 3m05s}, {@code 2h07m}. */
    static String duration(double seconds) {
        if (seconds < 1) {
            return Math.round(seconds * 1000) + "ms";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
