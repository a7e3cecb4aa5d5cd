package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The JSON API of {@link StatusServer}, over real HTTP, against a two-member cluster. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StatusApiTest extends StatusServerTestSupport {

    @Test
    void whenTopologyRequested_thenBothMembersAreListedWithTheirPools() {
        // given a two-member cluster
        Set<String> expected = memberUuids();

        // when
        HttpResponse<String> response = get(0, "/api/topology");

        // then both members are listed at once
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(expected, uuids(json(response)));
        for (JsonNode member : json(response).get("members")) {
            assertTrue(member.get("address").asText().contains(":"), member.toString());
            assertTrue(member.get("busy").isInt() && member.get("queuedLeaves").isInt(), member.toString());
            assertTrue(member.get("roles").isArray(), member.toString());
        }
        // and their pools once each has published its load (a member that has not yet shows 0 threads)
        awaitTrue("both members to report pools of 2 worker threads", () -> {
            JsonNode members = json(get(1, "/api/topology")).get("members");
            boolean all = members.size() == 2;
            for (JsonNode member : members) {
                all &= member.get("workerThreads").asInt() == 2 && member.get("roles").toString().contains("worker");
            }
            return all;
        });
    }

    private static Set<String> uuids(JsonNode topology) {
        Set<String> uuids = new HashSet<>();
        for (JsonNode member : topology.get("members")) {
            uuids.add(member.get("uuid").asText());
        }
        return uuids;
    }

    @Test
    void whenJobRuns_thenJobsListsItWithProgress() {
        // given
        JobHandle<Long> job = submitParkingJob("listed", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        JsonNode page = json(get(0, "/api/jobs"));

        // then
        assertEquals(1, page.get("total").asInt(), page.toString());
        assertEquals(0, page.get("offset").asInt());
        assertEquals(100, page.get("limit").asInt());
        JsonNode listed = find(page.get("jobs"), job.id());
        assertEquals("listed", listed.get("name").asText());
        assertEquals("RUNNING", listed.get("state").asText());
        JsonNode progress = listed.get("progress");
        assertEquals(20_000, progress.get("total").asLong());
        for (String field : new String[] {"done", "failed", "retried", "running", "depth", "leaves"}) {
            assertTrue(progress.get(field).isNumber(), field + " in " + progress);
        }
        Instant submitted = Instant.parse(listed.get("submitted").asText());
        assertTrue(submitted.isBefore(Instant.now().plusSeconds(1)), submitted.toString());
        assertTrue(memberUuids().contains(listed.get("topDriver").asText()), listed.toString());
    }

    @Test
    void whenJobRuns_thenItsTreeShowsSubJobsOnClusterMembers() {
        // given
        JobHandle<Long> job = submitParkingJob("tree", 20_000, 50);

        // when
        JsonNode detail = awaitRunningLeaf(job);

        // then
        assertEquals(job.id().toString(), detail.get("id").asText());
        assertEquals("tree", detail.get("name").asText());
        Set<String> members = memberUuids();
        Set<String> paths = new HashSet<>();
        JsonNode root = null;
        for (JsonNode node : detail.get("tree")) {
            String path = node.get("path").asText();
            paths.add(path);
            assertTrue(members.contains(node.get("member").asText()), "member of " + node);
            assertTrue(Set.of("ASSIGNED", "RUNNING", "DONE").contains(node.get("state").asText()), node.toString());
            assertTrue(node.get("attempt").asInt() >= 1, node.toString());
            assertTrue(node.get("tasks").asLong() > 0, node.toString());
            if (path.equals("0")) {
                root = node;
            }
        }
        assertNotNull(root, "the tree has a root: " + detail);
        assertTrue(root.get("parentPath").isNull());
        assertEquals(20_000, root.get("tasks").asLong());
        for (JsonNode node : detail.get("tree")) {
            if (!node.get("parentPath").isNull()) {
                assertTrue(paths.contains(node.get("parentPath").asText()), "parent of " + node);
            }
        }
        assertEquals(detail.get("tree").size(), detail.get("treeSize").asInt());
        assertFalse(detail.get("treeTruncated").asBoolean());
    }

    @Test
    void whenCancelPosted_thenJobIsCancelledAndItsResultCompletesWithCancellation() throws Exception {
        // given
        JobHandle<Long> job = submitParkingJob("cancel-me", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        HttpResponse<String> response = post(0, "/api/jobs/" + job.id() + "/cancel");

        // then
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("cancelled").asBoolean(), response.body());
        assertEndsCancelled(job);
        HttpResponse<String> again = post(1, "/api/jobs/" + job.id() + "/cancel");
        assertEquals(200, again.statusCode(), again.body());
        assertFalse(json(again).get("cancelled").asBoolean(), again.body());
        awaitTrue("the job to show CANCELLED", () ->
                json(get(1, "/api/jobs/" + job.id())).get("state").asText().equals("CANCELLED"));
    }

    @Test
    void whenCancelComesFromAnotherSitesPage_thenForbiddenAndJobRuns() {
        // given
        JobHandle<Long> job = submitParkingJob("guarded", 20_000, 50);
        awaitRunningLeaf(job);

        // when a page of another origin posts the cancel through a browser
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(0, "/api/jobs/" + job.id() + "/cancel"))
                .header("Origin", "http://attacker.example").POST(HttpRequest.BodyPublishers.noBody()));

        // then
        assertError(response, 403);
        assertFalse(job.result().isDone(), "the job still runs");
        HttpResponse<String> sameOrigin = send(HttpRequest.newBuilder(uri(0, "/api/jobs/" + job.id() + "/cancel"))
                .header("Origin", "http://127.0.0.1:" + servers.get(0).port())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertTrue(json(sameOrigin).get("cancelled").asBoolean(), sameOrigin.body());
    }

    @Test
    void whenJobIdIsMalformed_thenBadRequestNamesIt() {
        // when
        HttpResponse<String> detail = get(0, "/api/jobs/not-a-uuid");
        HttpResponse<String> cancel = post(0, "/api/jobs/not-a-uuid/cancel");

        // then
        assertError(detail, 400);
        assertTrue(json(detail).get("error").asText().contains("not-a-uuid"), detail.body());
        assertError(cancel, 400);
    }

    @Test
    void whenJobIdIsAShortUuidForm_thenBadRequestNamesIt() {
        // when: UUID.fromString takes 1-1-1-1-1, a job id is only the 36-character form
        HttpResponse<String> detail = get(0, "/api/jobs/1-1-1-1-1");

        // then
        assertEquals("job id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '1-1-1-1-1'",
                assertError(detail, 400));
    }

    @Test
    void whenJobIsUnknown_thenNotFound() {
        // given
        JobId unknown = JobId.newId();

        // when
        HttpResponse<String> detail = get(0, "/api/jobs/" + unknown);
        HttpResponse<String> cancel = post(0, "/api/jobs/" + unknown + "/cancel");

        // then
        assertError(detail, 404);
        assertTrue(json(detail).get("error").asText().contains(unknown.toString()), detail.body());
        assertError(cancel, 404);
    }

    @Test
    void whenMethodIsWrong_thenMethodNotAllowedWithAllowHeader() {
        // when
        HttpResponse<String> postJobs = post(0, "/api/jobs");
        HttpResponse<String> getCancel = get(0, "/api/jobs/" + JobId.newId() + "/cancel");
        HttpResponse<String> deleteTopology = request(0, "DELETE", "/api/topology");

        // then
        assertError(postJobs, 405);
        assertEquals("GET", postJobs.headers().firstValue("Allow").orElse(null));
        assertError(getCancel, 405);
        assertEquals("POST", getCancel.headers().firstValue("Allow").orElse(null));
        assertError(deleteTopology, 405);
        assertEquals("GET", deleteTopology.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void whenPathIsUnknown_thenNotFound() {
        for (String path : new String[] {"/nope", "/api", "/api/jobs/" + JobId.newId() + "/pause",
                "/api/jobs/" + JobId.newId() + "/cancel/now", "/metrics/extra"}) {
            // when
            HttpResponse<String> response = get(0, path);

            // then
            assertError(response, 404);
        }
    }

    @Test
    void whenJobRan_thenMetricsOfTheMembersCountEachOfItsTasksOnce() throws Exception {
        // given a finished job of 200 quick tasks
        JobHandle<Long> job = nodes.get(0).submit(Job.range(0, 200, (i, ctx) -> 1L)
                .reduce(Reducers.sumLong()).name("metered").leafSize(10).build());
        assertEquals(200L, job.result().get(WAIT.toSeconds(), TimeUnit.SECONDS));

        // when
        HttpResponse<String> first = get(0, "/metrics");
        HttpResponse<String> second = get(1, "/metrics");

        // then
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(first.body().contains("canopy_tasks_completed") || second.body().contains("canopy_tasks_completed"));
        assertEquals(200.0, completed(first.body(), "metered") + completed(second.body(), "metered"));
        assertTrue(first.body().contains("canopy_workers_busy_ratio{member=\"" + nodes.get(0).memberId() + "\"}"),
                "busy ratio gauge of the first member");
    }

    @Test
    void whenJobRuns_thenMetricsShowItsTasksAndLeavesWhileItRuns() throws Exception {
        // given a running job, some of whose leaves have finished
        JobHandle<Long> job = submitParkingJob("running-metrics", 20_000, 50);
        awaitRunningLeaf(job);
        String[] scrapes = new String[2];
        awaitTrue("a member to count tasks of the running job", () -> {
            scrapes[0] = get(0, "/metrics").body();
            scrapes[1] = get(1, "/metrics").body();
            return completed(scrapes[0], "running-metrics") + completed(scrapes[1], "running-metrics") > 0;
        });

        // then each member shows its worker pool, and the job is still running
        for (int i = 0; i < 2; i++) {
            String member = "member=\"" + nodes.get(i).memberId() + "\"";
            assertTrue(scrapes[i].contains("canopy_leaves_running{" + member + "}"), scrapes[i]);
            assertTrue(scrapes[i].contains("canopy_leaves_queued{" + member + "}"), scrapes[i]);
            assertTrue(scrapes[i].contains("canopy_jobs{" + member + ",state=\"RUNNING\"}"), scrapes[i]);
        }
        assertFalse(job.result().isDone(), "the job still runs");
        Path sample = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target"))
                .resolve("metrics-during-job.txt");
        Files.writeString(sample, "# GET /metrics of " + nodes.get(0).memberId() + " during job " + job.id() + "\n"
                + scrapes[0] + "\n# GET /metrics of " + nodes.get(1).memberId() + "\n" + scrapes[1]);
    }

    @Test
    void whenNodeRegistryIsNotPrometheus_thenMetricsIsNotFoundAndSaysWhatToConfigure() {
        // given a server on a registry Prometheus cannot scrape
        try (StatusServer plain = StatusServer.start(nodes.get(0),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null, 0)) {
            // when
            HttpResponse<String> response = get(plain, "/metrics");

            // then
            assertError(response, 404);
            assertTrue(json(response).get("error").asText().contains("newPrometheusRegistry"), response.body());
        }
    }

    @Test
    void whenFirstPortIsTaken_thenStartFromTakesAFollowingOne() throws Exception {
        // given
        int taken = servers.get(0).port();

        // when
        try (StatusServer next = StatusServer.startFrom(nodes.get(0), null, null, taken, 20)) {
            // then
            assertTrue(next.port() > taken && next.port() < taken + 20, "port " + next.port() + " after " + taken);
            assertEquals(200, get(next, "/api/topology").statusCode());
        }
    }

    @Test
    void whenPageRequested_thenItIsSelfContainedHtml() {
        // when
        HttpResponse<String> response = get(0, "/");

        // then
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String page = response.body();
        assertTrue(page.contains("id=\"tree\"") && page.contains("api/jobs"), "the page draws trees from the API");
        assertFalse(page.matches("(?s).*(src|href)\\s*=\\s*\"(https?:)?//.*"), "the page loads nothing from elsewhere");
    }

    private static double completed(String scrape, String job) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("canopy_tasks_completed_total{") && line.contains("job=\"" + job + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static JsonNode find(JsonNode jobs, JobId id) {
        for (JsonNode job : jobs) {
            if (job.get("id").asText().equals(id.toString())) {
                return job;
            }
        }
        return fail("job " + id + " is not in " + jobs);
    }
}
