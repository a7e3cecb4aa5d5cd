package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.canopy.grid.internal.engine.NodeBootstrap;
import dev.canopy.grid.internal.spec.RemoteTaskException;
import dev.canopy.grid.internal.trust.SerialFilter;
import org.example.UserError;
import org.example.UserPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Attacks on a node that Canopy starts ({@link NodeBootstrap#memberConfig}, so Hazelcast's Java
 * serialization filter is on) by a stranger: a plain Hazelcast client that knows only the cluster
 * name and sends objects of a class outside Canopy's allow-list ({@code evil.*}). The node refuses
 * them before their class is loaded: the class's static initializer, which marks the loader that
 * ran it, never runs in the node's loader. The stranger's copy of the class comes from a loader of
 * its own ("attacker"), as it would in the stranger's JVM, so making the payload marks only that one.
 *
 * <p>Each test ends with its positive control: the same class initialized in the node's loader does
 * leave the mark. Each test has a class of its own, so no control can taint another test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SerialFilterTest extends GridTestSupport {

    @Test
    void whenAStrangerSendsATaskOfAClassOffTheAllowList_thenTheNodeRefusesItBeforeItsClassLoads() throws Exception {
        // given
        GridNode node = startCanopyNode();
        HazelcastInstance stranger = cluster().startStrangerClient();

        // when
        Throwable refused;
        try (URLClassLoader attacker = attackerLoader()) {
            Object task = attacker.loadClass("evil.TaskMarker").getConstructor().newInstance();
            Future<Object> sent = stranger.getExecutorService("attack").submit((Callable<Object>) task);
            refused = assertThrows(ExecutionException.class, () -> sent.get(WAIT.toSeconds(), TimeUnit.SECONDS)).getCause();
        }

        // then
        assertEquals("Resolving class evil.TaskMarker is not allowed.", rootCause(refused).getMessage());
        assertNull(System.getProperty("evil.TaskMarker.initialized.app"), "the node initialized the stranger's class");
        assertEquals(499_500L, await(node.submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build()).result()));

        // positive control: initialized in the node's loader, the class does leave its mark
        Class.forName("evil.TaskMarker", true, SerialFilterTest.class.getClassLoader());
        assertEquals("true", System.getProperty("evil.TaskMarker.initialized.app"));
    }

    @Test
    void whenAStrangerWritesAMapValueOfAClassOffTheAllowList_thenTheNodeRefusesToReadItBeforeItsClassLoads()
            throws Exception {
        // given
        GridNode node = startCanopyNode();
        HazelcastInstance stranger = cluster().startStrangerClient();
        try (URLClassLoader attacker = attackerLoader()) {
            stranger.getMap("attack").put("gadget", attacker.loadClass("evil.ValueMarker").getConstructor().newInstance());
        }

        // when
        HazelcastSerializationException refused = assertThrows(HazelcastSerializationException.class,
                () -> node.hazelcast().getMap("attack").get("gadget"));

        // then
        assertInstanceOf(SecurityException.class, rootCause(refused));
        assertEquals("Resolving class evil.ValueMarker is not allowed.", rootCause(refused).getMessage());
        assertNull(System.getProperty("evil.ValueMarker.initialized.app"), "the node initialized the stranger's class");
        assertEquals(499_500L, await(node.submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build()).result()));

        // positive control: initialized in the node's loader, the class does leave its mark
        Class.forName("evil.ValueMarker", true, SerialFilterTest.class.getClassLoader());
        assertEquals("true", System.getProperty("evil.ValueMarker.initialized.app"));
    }

    @Test
    void whenAJobWithoutShippedCodeReturnsAUserType_thenTheClientReadsItWithoutSerialAllow() {
        // given: nodes and a client with the filter on and no serialAllow
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().shipCode(false));
        Job<UserPoint, List<UserPoint>> job = Job.<UserPoint>range(0, 3, (i, ctx) -> new UserPoint(i, i * i))
                .reduce(Reducers.toList()).leafSize(1).build();

        // when
        List<UserPoint> points = await(client.submit(job).result());

        // then
        assertEquals(List.of(new UserPoint(0, 0), new UserPoint(1, 1), new UserPoint(2, 4)), points);
    }

    @Test
    void whenATaskThrowsAUserException_thenTheClientGetsItsClassMessageAndCauseWithoutSerialAllow() {
        // given
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().shipCode(false));
        Job<Long, Long> job = Job.<Long>range(0, 1, (i, ctx) -> {
            throw new UserError("no such account", new IllegalStateException("ledger closed"));
        }).reduce(Reducers.sumLong()).maxAttempts(1).build();

        // when
        Throwable failure = awaitFailure(client.submit(job).result());

        // then: the user's class travels by name, with its message and stack; the JDK cause as it is
        Throwable cause = assertJobFailed(failure, "index 0", 1).getCause();
        RemoteTaskException remote = assertInstanceOf(RemoteTaskException.class, cause);
        assertEquals("org.example.UserError", remote.originalClass());
        assertEquals("org.example.UserError: no such account", remote.getMessage());
        assertEquals(SerialFilterTest.class.getName(), remote.getStackTrace()[0].getClassName(), "where it was thrown");
        IllegalStateException jdkCause = assertInstanceOf(IllegalStateException.class, remote.getCause());
        assertEquals("ledger closed", jdkCause.getMessage());
    }

    @Test
    void whenTheReadmeShowsHowToTurnTheFilterOnInAServicesHazelcast_thenItListsCanopysAllowList() throws Exception {
        // given
        String readme = Files.readString(Path.of("..", "README.md"));

        // when
        List<String> prefixes = quoted(readme, ".addPrefixes(");
        List<String> packages = quoted(readme, ".addPackages(");
        List<String> classes = quoted(readme, ".addClasses(");

        // then: Canopy's list, and one example of the user's own prefix, last
        assertEquals(SerialFilter.PREFIXES, prefixes.subList(0, prefixes.size() - 1));
        assertEquals(SerialFilter.JDK_PACKAGES, packages);
        assertEquals(SerialFilter.JDK_CLASSES, classes);
    }

    /** The quoted strings of the README's call of {@code method}, up to its closing parenthesis. */
    private static List<String> quoted(String readme, String method) {
        int start = readme.indexOf(method);
        if (start < 0) {
            throw new AssertionError("README.md shows no " + method + ") of a serialization filter");
        }
        String call = readme.substring(start + method.length(), readme.indexOf(')', start));
        List<String> strings = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(call);
        while (m.find()) {
            strings.add(m.group(1));
        }
        return strings;
    }

    /** A node whose Hazelcast config is the one {@code GridNode.start} uses, on this test's cluster. */
    private GridNode startCanopyNode() {
        GridConfig grid = GridConfig.defaults().workerThreads(2).clusterName(cluster().clusterName());
        GridNode node = cluster().startMember(NodeBootstrap.memberConfig(grid), grid);
        cluster().awaitClusterSafe();
        return node;
    }

    /** The test classes again, under a loader of their own whose parent knows only the JDK: the stranger's JVM. */
    private static URLClassLoader attackerLoader() throws Exception {
        URL classes = SerialFilterTest.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader("attacker", new URL[]{classes}, ClassLoader.getPlatformClassLoader());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
