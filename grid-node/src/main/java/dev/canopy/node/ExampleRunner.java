package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.examples.Examples;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What {@code grid submit} and {@code grid example} share: finding an example by name and running it,
 * with the progress of the jobs it submits.
 */
final class ExampleRunner {

    static final int HELP_WIDTH = 79;

    private ExampleRunner() {
    }

    /** The example called {@code name}; when there is none, says so on one line, naming the known ones. */
    static Optional<Example> find(String command, String name, Io io) {
        Optional<Example> example = Examples.named(name);
        if (example.isEmpty()) {
            io.err().println(command + ": unknown example '" + name + "': known examples are " + names());
        }
        return example;
    }

    /** The known examples' names, comma-separated, in help order. */
    static String names() {
        return Examples.all().stream().map(Example::name).collect(Collectors.joining(", "));
    }

    /** Help text: each example's name and description, wrapped to {@value #HELP_WIDTH} columns. */
    static String[] catalogue() {
        List<Example> all = Examples.all();
        int width = all.stream().mapToInt(e -> e.name().length()).max().orElse(0) + 4;
        List<String> lines = new ArrayList<>(List.of("", "Examples:"));
        for (Example e : all) {
            String head = "  " + e.name() + " ".repeat(width - 2 - e.name().length());
            for (String line : wrap(e.description(), HELP_WIDTH - width)) {
                lines.add(head + line.replace("%", "%%"));
                head = " ".repeat(width);
            }
        }
        return lines.toArray(String[]::new);
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces where it can be. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Runs {@code example} on {@code grid} with its own arguments, on this thread, and unless
     * {@code quiet} shows the progress of the jobs it submits (see {@link JobsFollower}). Returns
     * {@link GridCommand#OK} when its result passed its check, {@link GridCommand#FAILED} when it did
     * not or the job failed, and {@link GridCommand#BAD_INPUT} when the example refused its arguments.
     */
    static int run(String command, Example example, Grid grid, List<String> args, Io io, boolean quiet) {
        try {
            Example.Result result;
            // closed before any error is printed, so the bar's line has ended
            try (JobsFollower follower = JobsFollower.start(grid, io.out(), ProgressBar.Mode.detect(quiet, io.tty()))) {
                result = example.run(grid, List.copyOf(args), follower.out());
            }
            io.out().flush();
            return result.ok() ? GridCommand.OK : GridCommand.FAILED;
        } catch (IllegalArgumentException e) {
            String message = Errors.oneLine(e);
            // the examples' own messages start with their name: "pi: unknown option --x; ..."
            io.err().println(command + " " + (message.startsWith(example.name() + ":") ? message
                    : example.name() + ": " + message));
            return GridCommand.BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println(command + " " + example.name() + ": interrupted");
            return GridCommand.FAILED;
        } catch (Exception e) {
            io.err().println(command + " " + example.name() + " failed: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
    }

    /**
     * Shows the progress of the jobs an example submits, which its command does not see. A daemon
     * thread polls every {@value ProgressBar#POLL_INTERVAL_MILLIS} ms: while no job is followed it
     * reads {@link Grid#jobs()} and follows the newest running job that was not listed when following
     * began; while one is, it reads that job's progress alone, as the demo does, whenever its
     * {@link ProgressBar} is {@linkplain ProgressBar#due due} to show it. When the job ends (its
     * handle's result is done) its bar is finished, which ends its line, and the next poll looks for
     * the newest running job again.
     *
     * <p>The example prints through {@link #out()}, which shares the line with the bar. Before the
     * example starts a line, the bar steps aside: a followed job that has ended (its result is
     * written, which is what an example waits for before it prints the result) gets its final line
     * first, and a running job's TTY bar is erased, to be drawn again under the example's line by the
     * next poll. That check reads the job's state, never its progress, so the example's output is not
     * held up. Nothing is drawn while the example is in the middle of a line.
     *
     * <p>Threads: the poller and the example's thread; the fields from {@code passed} on are guarded
     * by the lock of {@link #out()}, which every draw holds, and grid reads happen outside it except
     * for that state check. {@link #close} stops the poller, waiting at most
     * {@value #JOIN_TIMEOUT_MILLIS} ms, and ends the line of a bar still shown.
     */
    static final class JobsFollower implements AutoCloseable {

        static final long JOIN_TIMEOUT_MILLIS = 1_000;

        private final Grid grid;
        private final PrintStream target;
        private final ProgressBar.Mode mode;
        private final LongSupplier nanoClock;
        private final SharedOut out;
        private final AtomicLong tickets = new AtomicLong();
        private ScheduledExecutorService poller;

        /** Jobs not to follow: listed before following began, or ended. */
        private final Set<JobId> passed = new HashSet<>();
        /** The ticket of the last grid read shown: an older read that arrives later is dropped. */
        private long applied;
        private boolean closed;
        private JobHandle<?> current;
        private ProgressBar bar;
        private JobProgress last;

        /** A follower that polls only when {@link #poll} is called: tests step it. Reads the jobs already listed. */
        JobsFollower(Grid grid, PrintStream target, ProgressBar.Mode mode, LongSupplier nanoClock) {
            this.grid = Objects.requireNonNull(grid, "grid");
            this.target = Objects.requireNonNull(target, "target");
            this.mode = Objects.requireNonNull(mode, "mode");
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            this.out = new SharedOut();
            if (mode != ProgressBar.Mode.QUIET) {
                List<JobInfo> before = read(grid::jobs);
                if (before != null) {
                    before.forEach(job -> passed.add(job.id()));
                }
            }
        }

        /** Follows the jobs that {@code grid} lists from now on, on a daemon thread; in QUIET mode does nothing. */
        static JobsFollower start(Grid grid, PrintStream target, ProgressBar.Mode mode) {
            JobsFollower follower = new JobsFollower(grid, target, mode, System::nanoTime);
            if (mode != ProgressBar.Mode.QUIET) {
                follower.poller = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "canopy-progress-example");
                    t.setDaemon(true);
                    return t;
                });
                follower.poller.scheduleWithFixedDelay(follower::poll, ProgressBar.POLL_INTERVAL_MILLIS,
                        ProgressBar.POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            }
            return follower;
        }

        /** Where the example prints: the target itself in QUIET mode, else the target sharing its line with the bar. */
        PrintStream out() {
            return mode == ProgressBar.Mode.QUIET ? target : out;
        }

        /** One step of the poller: shows the followed job's progress, or looks for a job to follow. */
        void poll() {
            JobHandle<?> job;
            ProgressBar shown;
            synchronized (out) {
                job = current;
                shown = bar;
            }
            long ticket = tickets.incrementAndGet();
            if (job != null) {
                showProgress(job, shown, ticket);
            } else {
                lookForJob(ticket);
            }
        }

        /** Reads the followed job's progress when its bar would show it (a PLAIN line is due), or ends its bar. */
        private void showProgress(JobHandle<?> job, ProgressBar shown, long ticket) {
            boolean ended = job.result().isDone();
            JobProgress progress = !ended && shown.due() ? read(job::progress) : null;
            synchronized (out) {
                if (current != job || (!ended && progress == null) || !isNewest(ticket)) {
                    return;
                }
                if (ended) {
                    end(!job.result().isCompletedExceptionally());
                } else {
                    last = progress;
                    bar.update(last.done(), last.total());
                }
            }
        }

        private void lookForJob(long ticket) {
            List<JobInfo> jobs = read(grid::jobs);
            Optional<JobInfo> newest;
            synchronized (out) {
                newest = jobs == null ? Optional.empty() : jobs.stream()
                        .filter(info -> !info.state().isTerminal() && !passed.contains(info.id()))
                        .max(Comparator.comparing(JobInfo::submitted, Comparator.nullsFirst(Comparator.naturalOrder())));
            }
            if (newest.isEmpty()) {
                return;
            }
            JobInfo info = newest.get();
            Optional<JobHandle<?>> handle = read(() -> grid.job(info.id()));
            synchronized (out) {
                if (handle == null || current != null || !isNewest(ticket)) {
                    return;
                }
                if (handle.isEmpty()) {
                    passed.add(info.id()); // gone already
                    return;
                }
                current = handle.get();
                bar = new ProgressBar(target, label(info), mode, nanoClock);
                last = info.progress() != null ? info.progress() : JobProgress.empty(0);
                bar.update(last.done(), last.total());
            }
        }

        /** Whether a grid read with {@code ticket} may be shown (holding the lock of {@link #out}). */
        private boolean isNewest(long ticket) {
            if (closed || ticket < applied || !out.atLineStart) {
                return false;
            }
            applied = ticket;
            return true;
        }

        /** Before the example starts a line (holding the lock of {@link #out}): ends or erases the bar. */
        private void stepAside() {
            if (current == null || closed) {
                return;
            }
            applied = tickets.incrementAndGet();
            // the example's own wait may wake a moment before this handle's: then the grid says it ended
            if (current.result().isDone()) {
                end(!current.result().isCompletedExceptionally());
                return;
            }
            JobState state = read(current::state);
            if (state != null && state.isTerminal()) {
                end(state == JobState.COMPLETED);
            } else {
                bar.clear();
            }
        }

        /** Finishes the followed job's bar with its last progress; a completed job has done all its tasks. */
        private void end(boolean completed) {
            long total = Math.max(last.total(), completed ? last.done() : 0);
            bar.finish(completed ? total : last.done(), total);
            passed.add(current.id());
            current = null;
            bar = null;
        }

        /** {@code read}'s answer, or null when the grid cannot answer now (the next poll tries again). */
        private static <T> T read(Supplier<T> read) {
            try {
                return read.get();
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String label(JobInfo job) {
            return job.name() == null || job.name().isBlank() ? "job " + job.id().toString().substring(0, 8) : job.name();
        }

        /** Stops the poller (a bounded wait) and ends the line of a bar still shown, with its last progress. */
        @Override
        public void close() {
            if (poller != null) {
                poller.shutdownNow();
                try {
                    poller.awaitTermination(JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (out) {
                if (current != null && !closed) {
                    end(current.result().isDone() && !current.result().isCompletedExceptionally());
                }
                closed = true;
            }
        }

        /**
         * The example's output: writes go to the target as they are (the target encodes the text), but
         * a write that starts a line first makes the bar {@linkplain #stepAside step aside}. Every
         * write of text ends up in {@code print(String/char/char[]/Object)} or {@code write(bytes)},
         * which are overridden here ({@code println} and {@code printf} call them).
         */
        private final class SharedOut extends PrintStream {

            private boolean atLineStart = true;

            SharedOut() {
                super(target, true);
            }

            @Override
            public synchronized void write(int b) {
                beforeWrite();
                target.write(b);
                atLineStart = b == '\n';
            }

            @Override
            public synchronized void write(byte[] buf, int off, int len) {
                if (len <= 0) {
                    return;
                }
                beforeWrite();
                target.write(buf, off, len);
                atLineStart = buf[off + len - 1] == '\n';
            }

            @Override
            public void print(String s) {
                text(String.valueOf(s));
            }

            @Override
            public void print(char c) {
                text(String.valueOf(c));
            }

            @Override
            public void print(char[] s) {
                text(new String(s));
            }

            @Override
            public void print(Object o) {
                text(String.valueOf(o));
            }

            @Override
            public void flush() {
                target.flush();
            }

            private synchronized void text(String s) {
                if (s.isEmpty()) {
                    return;
                }
                beforeWrite();
                target.print(s);
                atLineStart = s.endsWith("\n");
            }

            private void beforeWrite() {
                if (atLineStart) {
                    stepAside();
                }
            }
        }
    }
}
