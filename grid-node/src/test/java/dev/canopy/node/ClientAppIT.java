package dev.canopy.node;

import dev.canopy.node.process.NodeProcesses;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.JobId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's own project, as the README has a new user run it: {@code examples/client-app}, built by
 * Maven from its own pom against the grid-core this build made, and run against three node processes
 * whose class path has neither its classes nor its library (commons-math3). Its jobs carry both.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClientAppIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path APP = ROOT.resolve("examples/client-app");
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    /** One cluster for the three tests: each starts its own client JVM, and none harms the nodes. */
    private static NodeProcesses cluster;

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static final Path LOGS = Path.of("target", "it-logs");

    /** Grid-core where the app's pom finds it (as `mvn install` at the root would put it), and the app built: once. */
    @BeforeAll
    static void buildTheApp() throws Exception {
        Files.createDirectories(LOGS);
        run(LOGS.resolve("client-app-install.log"), BUILD_TIMEOUT, "mvn", "-B", "-q", "-N", "-f",
                ROOT.resolve("pom.xml").toString(), "org.apache.maven.plugins:maven-install-plugin:3.1.2:install");
        run(LOGS.resolve("client-app-install.log"), BUILD_TIMEOUT, "mvn", "-B", "-q",
                "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
                "-Dfile=" + ROOT.resolve("grid-core/target/grid-core-" + VERSION + ".jar"),
                "-DpomFile=" + ROOT.resolve("grid-core/pom.xml"));
        run(LOGS.resolve("client-app-build.log"), BUILD_TIMEOUT, "mvn", "-B", "-q", "-f",
                APP.resolve("pom.xml").toString(), "package");
        assertTrue(nodesLack("commons-math3"), "the nodes do not have the app's library");
        cluster = NodeProcesses.start(3, new NodeProcesses.Setup(LOGS, "512m", Map.of()), System.out);
    }

    @Test
    void whenTheClientAppRunsAgainstNodesWithoutItsClasses_thenItsJobsGiveTheExactResults() throws Exception {
        // given: three nodes without the app's classes (buildTheApp)

        // when
        String output = run(LOGS.resolve("client-app-run.log"), RUN_TIMEOUT, appCommand());

        // then
        assertTrue(output.contains("primes below 100000: 9592"), output);
        assertTrue(output.contains("prime stats below 100000: 9592 primes, the largest 99991"), output);
    }

    @Test
    void whenTheSubmittingClientIsKilledMidJob_thenTheJobCompletesAndAnotherClientFetchesItsResult() throws Exception {
        // given: the app submitted a job of its own code and waits for it
        List<String> command = new ArrayList<>(List.of(appCommand()));
        command.add(command.indexOf("com.acme.Primes") + 1, "--detached");
        Process app = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true).start();
        String id = awaitSubmitted(app);

        // when: it is killed with -9 while the job runs
        app.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        assertTrue(cluster.client().job(JobId.parse(id)).isPresent(), "the job outlives its submitter");

        // then: the members, which load its code from the grid, complete it, and this client reads its result
        Object result = cluster.client().job(JobId.parse(id)).orElseThrow().result().get(3, TimeUnit.MINUTES);
        assertEquals(9592L, result);
    }

    @Test
    void whenTheClientSubmittingAGraphIsKilled_thenTheGraphCompletesAndAnotherClientFetchesItsResults()
            throws Exception {
        // given: the app submitted a graph whose second stage a factory of its own code builds, on a node
        List<String> command = new ArrayList<>(List.of(appCommand()));
        command.add(command.indexOf("com.acme.Primes") + 1, "--graph");
        Process app = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true).start();
        String id = awaitSubmitted(app).substring("graph ".length());

        // when: it is killed with -9 while the first stage runs
        app.destroyForcibly().waitFor(20, TimeUnit.SECONDS);

        // then: the graph's driver runs the factory from the shipped code, and this client reads both stages
        GraphHandle graph = cluster.client().graph(GraphId.parse(id)).orElseThrow();
        Map<String, Object> results = graph.result().get(3, TimeUnit.MINUTES);
        assertEquals(Map.of("count", 9592L, "largest", 99991L), results);
        assertEquals(2, graph.stages().size());
    }

    private static String[] appCommand() {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-cp",
                APP.resolve("target/client-app.jar") + java.io.File.pathSeparator + APP.resolve("target/lib/*"),
                "-Dcanopy.clusterName=" + cluster.clusterName(), "com.acme.Primes"));
        command.addAll(cluster.members());
        return command.toArray(String[]::new);
    }

    /** Reads the app's output (at most two minutes) until it says which job it submitted. */
    private static String awaitSubmitted(Process app) throws Exception {
        CompletableFuture<String> id = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("submitted ")) {
                        id.complete(line.substring("submitted ".length()).trim());
                    }
                }
                id.completeExceptionally(new AssertionError("the app ended without submitting"));
            } catch (IOException e) {
                id.completeExceptionally(e);
            }
        }, "client-app-output");
        reader.setDaemon(true);
        reader.start();
        return id.get(2, TimeUnit.MINUTES);
    }

    /** The nodes run on this JVM's class path (see NodeProcess), so what it lacks they lack. */
    private static boolean nodesLack(String fragment) {
        return !System.getProperty("java.class.path").contains(fragment);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code command} in the app's folder, its output to {@code log}; fails with the log's tail unless it exits 0 in time. */
    private static String run(Path log, Duration timeout, String... command) throws IOException, InterruptedException {
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeout + "; see " + log);
        }
        byte[] all = Files.readAllBytes(log);
        String output = new String(all, (int) Math.min(before, all.length), (int) Math.max(0, all.length - before),
                StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
