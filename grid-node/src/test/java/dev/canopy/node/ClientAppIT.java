package dev.canopy.node;

import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private NodeProcesses cluster;

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenTheClientAppRunsAgainstNodesWithoutItsClasses_thenItsJobsGiveTheExactResults() throws Exception {
        // given: grid-core where the app's pom finds it (as `mvn install` at the root would put it), the app built
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        run(logs.resolve("client-app-install.log"), BUILD_TIMEOUT, "mvn", "-B", "-q", "-N", "-f",
                ROOT.resolve("pom.xml").toString(), "org.apache.maven.plugins:maven-install-plugin:3.1.2:install");
        run(logs.resolve("client-app-install.log"), BUILD_TIMEOUT, "mvn", "-B", "-q",
                "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
                "-Dfile=" + ROOT.resolve("grid-core/target/grid-core-" + VERSION + ".jar"),
                "-DpomFile=" + ROOT.resolve("grid-core/pom.xml"));
        run(logs.resolve("client-app-build.log"), BUILD_TIMEOUT, "mvn", "-B", "-q", "-f",
                APP.resolve("pom.xml").toString(), "package");
        cluster = NodeProcesses.start(3, new NodeProcesses.Setup(logs, "512m", Map.of()), System.out);
        assertTrue(nodesLack("commons-math3"), "the nodes do not have the app's library");

        // when
        List<String> command = new ArrayList<>(List.of(javaBin(), "-cp",
                APP.resolve("target/client-app.jar") + java.io.File.pathSeparator + APP.resolve("target/lib/*"),
                "-Dcanopy.clusterName=" + cluster.clusterName(), "com.acme.Primes"));
        command.addAll(cluster.members());
        String output = run(logs.resolve("client-app-run.log"), RUN_TIMEOUT, command.toArray(String[]::new));

        // then
        assertTrue(output.contains("primes below 100000: 9592"), output);
        assertTrue(output.contains("prime stats below 100000: 9592 primes, the largest 99991"), output);
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
