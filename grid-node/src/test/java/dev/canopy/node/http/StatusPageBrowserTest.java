package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.JobHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page in headless Chromium (Debian's {@code chromium} package, which {@code .ci/run}
 * installs): the page's script runs against a live two-member cluster, and the DOM it leaves holds
 * the members, the job and the job's tree, or a finished graph's stages. Screenshots are written to
 * {@code grid-node/target/status-page.png} and {@code status-page-graph.png}, and the DOM the script left
 * to {@code target/status-page-dom.html} and {@code status-page-graph-dom.html}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatusPageBrowserTest extends StatusServerTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Virtual time the page gets before its DOM is dumped: enough for several polls of the API. */
    private static final int VIRTUAL_TIME_MILLIS = 5_000;
    private static final long CHROMIUM_WAIT_SECONDS = 90;
    private static final Pattern TREE_NODE =
            Pattern.compile("<g class=\"node (leaf|driver) state-(assigned|running|done)( thin)?\"");
    private static final Pattern GRAPH_STAGE =
            Pattern.compile("<g class=\"stage state-([a-z]+)\" data-stage=\"([^\"]*)\" data-state=\"([A-Z]+)\"");

    @Test
    void whenJobRuns_thenPageDrawsItsTreeWithTheMembersAndTheJob() throws Exception {
        // given a running job whose tree has a running leaf
        Path chromium = requireChromium();
        JobHandle<Long> job = submitParkingJob("browser-demo", 40_000, 50);
        JsonNode detail = awaitRunningLeaf(job);
        Path work = Files.createTempDirectory("canopy-chromium-");
        try {
            // when the page runs in a browser
            String dom = runChromium(chromium, work, "dom", "--dump-dom");
            Path domFile = targetDir().resolve("status-page-dom.html");
            Files.writeString(domFile, dom);
            Path screenshot = targetDir().resolve("status-page.png");
            Files.deleteIfExists(screenshot);
            runChromium(chromium, work, "screenshot", "--screenshot=" + screenshot.toAbsolutePath(),
                    "--window-size=1280,900", "--hide-scrollbars");

            // then its DOM holds the job's tree, the members and the job
            int tree = dom.indexOf("id=\"tree\"");
            assertTrue(tree >= 0, "the page has a #tree element; see " + domFile);
            String treeHtml = dom.substring(tree);
            assertTrue(treeHtml.contains("<svg"), "#tree holds an svg drawing; see " + domFile);
            Matcher nodes = TREE_NODE.matcher(treeHtml);
            int drawn = 0;
            boolean leafDrawn = false;
            while (nodes.find()) {
                drawn++;
                leafDrawn |= nodes.group(1).equals("leaf");
            }
            assertTrue(drawn >= Math.min(detail.get("treeSize").asInt(), 3),
                    "the tree of " + detail.get("treeSize") + " nodes is drawn, found " + drawn + " nodes; see "
                            + domFile);
            assertTrue(leafDrawn, "leaves are drawn");
            assertTrue(dom.contains("data-path=\"0\""), "the root is drawn");
            assertTrue(dom.contains("<tr class=\"job selected\" data-id=\"" + job.id() + "\""),
                    "the running job is listed and selected; see " + domFile);
            assertTrue(dom.contains("browser-demo"), "the job's name is shown");
            for (String member : memberUuids()) {
                assertTrue(dom.contains("<tr class=\"member\" data-uuid=\"" + member + "\""),
                        "member " + member + " is listed; see " + domFile);
            }
            assertTrue(dom.contains("id=\"status\" class=\"ok\""), "the page reached the API; see " + domFile);
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot was written to " + screenshot);
            byte[] magic = new byte[8];
            System.arraycopy(Files.readAllBytes(screenshot), 0, magic, 0, 8);
            assertEquals("\u0089PNG", new String(magic, 0, 4, StandardCharsets.ISO_8859_1), "a PNG at " + screenshot);
        } finally {
            deleteRecursively(work);
        }
    }

    @Test
    void whenDiamondGraphFinished_thenPageDrawsItsFourStagesWithTheirStatesAndArrows() throws Exception {
        // given a finished diamond graph: a -> b, a -> c, b + c -> d
        Path chromium = requireChromium();
        GraphHandle graph = runGraph(diamond("browser-diamond"));
        awaitGraphState(graph, "COMPLETED");
        Path work = Files.createTempDirectory("canopy-chromium-");
        try {
            // when the page runs in a browser
            String dom = runChromium(chromium, work, "dom", "--dump-dom");
            Path domFile = targetDir().resolve("status-page-graph-dom.html");
            Files.writeString(domFile, dom);
            Path screenshot = targetDir().resolve("status-page-graph.png");
            Files.deleteIfExists(screenshot);
            runChromium(chromium, work, "screenshot", "--screenshot=" + screenshot.toAbsolutePath(),
                    "--window-size=1280,1200", "--hide-scrollbars");

            // then the graph is drawn with its state, each stage as a box with its state, and an arrow per "after"
            int at = dom.indexOf("<div class=\"graph\" data-id=\"" + graph.id() + "\">");
            assertTrue(at >= 0, "the graph is drawn; see " + domFile);
            String drawn = dom.substring(at);
            assertTrue(drawn.contains("<b>browser-diamond</b>"), "the graph's name is shown; see " + domFile);
            assertTrue(drawn.contains("<span class=\"state COMPLETED\">COMPLETED</span>"), "its state; see " + domFile);
            assertTrue(drawn.contains("4 / 4 stages completed"), "its count of completed stages; see " + domFile);
            Matcher stages = GRAPH_STAGE.matcher(drawn);
            List<String> boxes = new ArrayList<>();
            while (stages.find() && boxes.size() < 4) {
                boxes.add(stages.group(1) + " " + stages.group(2) + " " + stages.group(3));
            }
            assertEquals(List.of("completed a COMPLETED", "completed b COMPLETED", "completed c COMPLETED",
                    "completed d COMPLETED"), boxes, "see " + domFile);
            for (String arrow : new String[] {"a\" data-to=\"b", "a\" data-to=\"c", "b\" data-to=\"d",
                    "c\" data-to=\"d"}) {
                assertTrue(drawn.contains("<path class=\"edge\" data-from=\"" + arrow + "\""),
                        "an arrow from " + arrow + "; see " + domFile);
            }
            assertTrue(dom.contains("id=\"status\" class=\"ok\""), "the page reached the API; see " + domFile);
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot was written to " + screenshot);
        } finally {
            deleteRecursively(work);
        }
    }

    private static Path requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the status page is tested in headless Chromium from the Debian package "
                    + "chromium, which .ci/run installs (apt-get install -y chromium)");
        }
        return CHROMIUM;
    }

    /** Runs headless Chromium on the status page with {@code extra} flags; returns what it printed. */
    private String runChromium(Path chromium, Path work, String name, String... extra)
            throws IOException, InterruptedException {
        Path profile = Files.createDirectories(work.resolve(name + "-profile"));
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
                "--user-data-dir=" + profile, "--virtual-time-budget=" + VIRTUAL_TIME_MILLIS));
        command.addAll(List.of(extra));
        command.add(servers.get(0).uri().toString());
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            if (!process.waitFor(CHROMIUM_WAIT_SECONDS, TimeUnit.SECONDS)) {
                fail("chromium (" + name + ") did not finish within " + CHROMIUM_WAIT_SECONDS + " s; it printed:\n"
                        + tail(err));
            }
            if (process.exitValue() != 0) {
                fail("chromium (" + name + ") exited with " + process.exitValue() + ":\n" + tail(err));
            }
            return Files.readString(out);
        } finally {
            stop(process);
        }
    }

    /** Ends the process and every process it started, waiting a bounded time. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        for (ProcessHandle p : family) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : family) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.err.println("process " + p.pid() + " did not end within 10 s: " + e);
            }
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(nothing)";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static Path targetDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
