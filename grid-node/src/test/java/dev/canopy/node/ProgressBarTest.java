package dev.canopy.node;

import dev.canopy.grid.JobProgress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private ProgressBar bar(ProgressBar.Mode mode) {
        return new ProgressBar(out, "pi", mode, nanos::get);
    }

    /** A bar in {@code mode}, started {@code millis} ago on the test's clock. */
    private ProgressBar startedAgo(ProgressBar.Mode mode, long millis) {
        ProgressBar bar = bar(mode);
        bar.start();
        advanceMillis(millis);
        return bar;
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whenTtyUpdates_thenOneLineRedrawnWithDoneTotalRateAndEta() {
        // given
        ProgressBar bar = bar(ProgressBar.Mode.TTY);
        bar.start();

        // when: a quarter done after 2 s
        advanceMillis(2_000);
        bar.update(250, 1_000);

        // then
        assertEquals("\rpi [" + "=".repeat(8) + ">" + " ".repeat(21) + "]  25%  250/1,000 tasks  125 tasks/s  ETA 6s",
                printed());
    }

    @Test
    void whenTtyLineShrinks_thenTheRestOfTheOldLineIsBlanked() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.TTY, 100);
        bar.update(10, 1_000_000);
        int first = printed().length() - 1;
        bytes.reset();

        advanceMillis(1_000_000);
        bar.update(999_999, 1_000_000);

        assertTrue(printed().length() - 1 >= first, printed());
    }

    @Test
    void whenTtyFinishes_thenTheLineShowsTheTotalTimeAndEnds() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.TTY, 4_000);

        bar.finish(1_000, 1_000);
        bar.update(1_000, 1_000);

        String text = printed();
        assertTrue(text.startsWith("\rpi [==============================] 100%  1,000/1,000 tasks  250 tasks/s  done in 4s"),
                text);
        assertTrue(text.endsWith(System.lineSeparator()), text);
        assertEquals(1, text.chars().filter(c -> c == '\r').count(), "no update after finish: " + text);
    }

    @Test
    void whenTtyIsCleared_thenTheLineIsErasedAndTheNextUpdateDrawsItAfresh() {
        // given
        ProgressBar bar = bar(ProgressBar.Mode.TTY);
        bar.start();
        bar.update(10, 100);
        String drawn = printed();
        bytes.reset();

        // when: other output takes the line, then the bar is updated
        bar.clear();
        out.print("pi: halfway" + System.lineSeparator());
        bar.update(10, 100);

        // then
        assertEquals("\r" + " ".repeat(drawn.length() - 1) + "\r" + "pi: halfway" + System.lineSeparator() + drawn,
                printed());
    }

    @Test
    void whenPlainIsCleared_thenNothingIsPrinted() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.PLAIN, 2_000);
        bar.update(10, 100);
        bytes.reset();

        bar.clear();

        assertEquals("", printed());
    }

    @Test
    void whenPlain_thenALineAtMostEveryTwoSecondsWithoutTheBar() {
        // given
        ProgressBar bar = bar(ProgressBar.Mode.PLAIN);
        bar.start();

        // when: updates every 250 ms for 5 s
        for (int i = 1; i <= 20; i++) {
            advanceMillis(250);
            bar.update(i * 10L, 200);
        }
        bar.finish(200, 200);

        // then: lines at 2 s and 4 s, then the final one
        String[] lines = printed().split(System.lineSeparator());
        assertEquals(3, lines.length, printed());
        assertEquals("pi  40%  80/200 tasks  40 tasks/s  ETA 3s", lines[0]);
        assertEquals("pi  80%  160/200 tasks  40 tasks/s  ETA 1s", lines[1]);
        assertEquals("pi 100%  200/200 tasks  40 tasks/s  done in 5s", lines[2]);
        assertFalse(printed().contains("\r"));
    }

    @Test
    void whenEveryTaskIsDoneBeforeTheJobEnds_thenTheLineSaysFinishingUntilFinish() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.PLAIN, 2_000);

        bar.update(100, 100);
        advanceMillis(1_000);
        bar.finish(100, 100);

        assertEquals("pi 100%  100/100 tasks  50 tasks/s  finishing" + System.lineSeparator()
                + "pi 100%  100/100 tasks  33 tasks/s  done in 3s" + System.lineSeparator(), printed());
    }

    @Test
    void whenQuiet_thenNothingIsPrinted() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.QUIET, 10_000);
        bar.update(1, 2);
        bar.finish(2, 2);

        assertEquals("", printed());
    }

    @Test
    void whenNothingDoneYet_thenEtaIsUnknown() {
        ProgressBar bar = startedAgo(ProgressBar.Mode.PLAIN, 3_000);

        bar.update(0, 100);

        assertEquals("pi   0%  0/100 tasks  0 tasks/s  ETA --" + System.lineSeparator(), printed());
    }

    @Test
    void whenFollowingIsClosed_thenTheLastSnapshotIsShownOnce() {
        // given
        ProgressBar bar = bar(ProgressBar.Mode.PLAIN);
        JobProgress finished = new JobProgress(500, 500, 0, 0, 0, 2, 8);

        // when
        ProgressBar.Following following = bar.follow(() -> finished);
        advanceMillis(1_000);
        following.close();

        // then
        assertEquals("pi 100%  500/500 tasks  500 tasks/s  done in 1s" + System.lineSeparator(), printed());
    }

    @Test
    void whenModeIsDetected_thenQuietWinsThenTty() {
        assertEquals(ProgressBar.Mode.QUIET, ProgressBar.Mode.detect(true, true));
        assertEquals(ProgressBar.Mode.TTY, ProgressBar.Mode.detect(false, true));
        assertEquals(ProgressBar.Mode.PLAIN, ProgressBar.Mode.detect(false, false));
    }

    @Test
    void whenDurationsAreFormatted_thenShortestReadableForm() {
        assertEquals("950ms", ProgressBar.duration(0.95));
        assertEquals("12s", ProgressBar.duration(12.2));
        assertEquals("1m00s", ProgressBar.duration(59.7));
        assertEquals("3m05s", ProgressBar.duration(185));
        assertEquals("2h07m", ProgressBar.duration(2 * 3600 + 7 * 60 + 30));
    }
}
