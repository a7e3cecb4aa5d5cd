package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.grid.Await;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/graphs} and {@code GET /api/graphs/{id}} over real HTTP, against a two-member cluster. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GraphsApiTest extends StatusServerTestSupport {

    @Test
    void whenDiamondGraphCompleted_thenGraphsListsEachStageWithItsJobAndProgress() {
        // given
        GraphHandle graph = runGraph(diamond("diamond"));
        awaitGraphState(graph, "COMPLETED");
        Map<String, JobInfo> jobs = graph.stages();

        // when
        JsonNode page = json(get(1, "/api/graphs"));
        HttpResponse<String> one = get(1, "/api/graphs/" + graph.id());

        // then the listing holds the graph with its four stages, each with the job that ran it
        assertEquals(1, page.get("total").asInt(), page.toString());
        assertEquals(0, page.get("offset").asInt());
        assertEquals(100, page.get("limit").asInt());
        JsonNode listed = page.get("graphs").get(0);
        assertEquals(graph.id().toString(), listed.get("id").asText());
        assertEquals("diamond", listed.get("name").asText());
        assertEquals("COMPLETED", listed.get("state").asText());
        assertTrue(Instant.parse(listed.get("submitted").asText()).isBefore(Instant.now().plusSeconds(1)),
                listed.toString());
        assertTrue(listed.get("driver").isNull(), "an ended graph has no driver: " + listed);
        List<String> names = new ArrayList<>();
        for (JsonNode stage : listed.get("stages")) {
            String name = stage.get("name").asText();
            names.add(name);
            assertEquals("COMPLETED", stage.get("state").asText(), stage.toString());
            assertEquals(jobs.get(name).id().toString(), stage.get("job").asText(), stage.toString());
            assertTrue(stage.get("error").isNull(), stage.toString());
            long tasks = name.equals("a") ? 100 : 1;
            assertEquals(tasks, stage.get("progress").get("total").asLong(), stage.toString());
            assertEquals(tasks, stage.get("progress").get("done").asLong(), stage.toString());
            assertEquals(0, stage.get("progress").get("failed").asLong(), stage.toString());
        }
        assertEquals(List.of("a", "b", "c", "d"), names);
        assertEquals("[[],[\"a\"],[\"a\"],[\"b\",\"c\"]]", afters(listed));
        // and the graph on its own is its line of the listing
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(listed, json(one));
    }

    @Test
    void whenStageFails_thenItsErrorShowsAndTheStageAfterItFailedWithoutRunningWhileAnotherBranchCompleted() {
        // given a graph whose stage 'a' fails; 'b' comes after it, 'c' after nothing
        GraphHandle graph = nodes.get(0).submit(JobGraph.builder("broken")
                .stage("a", failing("broken-a"))
                .stage("b", constant("broken-b", 2), "a")
                .stage("c", constant("broken-c", 3))
                .build());
        assertInstanceOf(JobFailedException.class, Await.awaitFailure(graph.result()));

        // when
        JsonNode detail = awaitGraphState(graph, "FAILED");

        // then
        JsonNode a = detail.get("stages").get(0);
        JsonNode b = detail.get("stages").get(1);
        JsonNode c = detail.get("stages").get(2);
        assertEquals("FAILED", a.get("state").asText(), a.toString());
        String aJob = graph.stages().get("a").id().toString();
        assertEquals(aJob, a.get("job").asText());
        assertEquals("dev.canopy.grid.JobFailedException: job " + aJob + " ('broken-a') failed: task index 0 failed"
                + " after 1 attempt(s): java.lang.IllegalStateException: stage blew up", a.get("error").asText());
        assertEquals(1, a.get("progress").get("failed").asLong(), a.toString());
        assertEquals("FAILED", b.get("state").asText(), b.toString());
        assertTrue(b.get("job").isNull(), "b never had a job: " + b);
        assertEquals("it did not run: stage 'a' before it failed", b.get("error").asText());
        assertTrue(b.get("progress").isNull(), b.toString());
        assertEquals("COMPLETED", c.get("state").asText(), c.toString());
        assertTrue(c.get("error").isNull(), c.toString());
        assertEquals(1, c.get("progress").get("done").asLong(), c.toString());
    }

    @Test
    void whenGraphRuns_thenItsRunningStageShowsItsJobsProgressAndTheStageAfterItWaitsWithoutAJob() {
        // given a graph whose first stage runs for a while
        GraphHandle graph = nodes.get(0).submit(JobGraph.builder("slow")
                .stage("park", Job.range(0, 20_000, StatusServerTestSupport::parkFiveMillis)
                        .reduce(Reducers.sumLong()).name("slow-park").leafSize(50).build())
                .stage("then", constant("slow-then", 1), "park")
                .build());
        try {
            // when
            JsonNode listed = Await.awaitFound("stage 'park' to run with its job's progress in /api/graphs", () -> {
                JsonNode g = json(get(1, "/api/graphs")).get("graphs").get(0);
                JsonNode park = g == null ? null : g.get("stages").get(0);
                return park != null && park.get("state").asText().equals("RUNNING")
                        && !park.get("progress").isNull() ? g : null;
            });

            // then
            assertEquals("RUNNING", listed.get("state").asText(), listed.toString());
            assertTrue(memberUuids().contains(listed.get("driver").asText()), listed.toString());
            JsonNode park = listed.get("stages").get(0);
            assertEquals(graph.stages().get("park").id().toString(), park.get("job").asText());
            assertEquals(20_000, park.get("progress").get("total").asLong(), park.toString());
            JsonNode then = listed.get("stages").get(1);
            assertEquals("WAITING", then.get("state").asText(), then.toString());
            assertTrue(then.get("job").isNull() && then.get("progress").isNull() && then.get("error").isNull(),
                    then.toString());
        } finally {
            graph.cancel();
        }
    }

    @Test
    void whenGraphsArePaged_thenNewestFirstWithTheTotal() {
        // given two finished graphs
        GraphHandle older = runGraph(JobGraph.builder("older").stage("only", constant("older-only", 1)).build());
        GraphHandle newer = runGraph(JobGraph.builder("newer").stage("only", constant("newer-only", 1)).build());

        // when
        JsonNode first = json(get(0, "/api/graphs?limit=1"));
        JsonNode second = json(get(0, "/api/graphs?limit=1&offset=1"));
        JsonNode past = json(get(0, "/api/graphs?offset=2"));

        // then
        assertEquals(newer.id().toString(), first.get("graphs").get(0).get("id").asText(), first.toString());
        assertEquals(older.id().toString(), second.get("graphs").get(0).get("id").asText(), second.toString());
        for (JsonNode page : List.of(first, second)) {
            assertEquals(1, page.get("graphs").size(), page.toString());
            assertEquals(2, page.get("total").asInt(), page.toString());
            assertEquals(1, page.get("limit").asInt(), page.toString());
        }
        assertEquals(0, past.get("graphs").size(), past.toString());
        assertEquals(2, past.get("total").asInt(), past.toString());
    }

    @Test
    void whenPagingParametersAreBad_thenBadRequestNamesParameterAndValue() {
        assertEquals("limit must be a whole number from 0 to 1000 but was '1001'",
                assertError(get(0, "/api/graphs?limit=1001"), 400));
        assertEquals("offset must be a whole number of at least 0 but was '-1'",
                assertError(get(0, "/api/graphs?offset=-1"), 400));
        assertEquals("unknown query parameter 'limt' of /api/graphs: use limit and offset",
                assertError(get(0, "/api/graphs?limt=5"), 400));
    }

    @Test
    void whenNoGraphWasSubmitted_thenTheListingIsEmpty() {
        // when
        JsonNode page = json(get(0, "/api/graphs"));

        // then
        assertEquals(0, page.get("graphs").size(), page.toString());
        assertEquals(0, page.get("total").asInt(), page.toString());
    }

    @Test
    void whenGraphIsUnknown_thenNotFoundNamesIt() {
        // given
        GraphId unknown = GraphId.newId();

        // when
        HttpResponse<String> response = get(0, "/api/graphs/" + unknown);

        // then
        assertEquals("no graph " + unknown + ": it never existed here, or it ended and its record expired",
                assertError(response, 404));
    }

    @Test
    void whenGraphIdIsMalformed_thenBadRequestNamesIt() {
        // when
        HttpResponse<String> word = get(0, "/api/graphs/not-a-uuid");
        HttpResponse<String> shortForm = get(0, "/api/graphs/1-1-1-1-1");
        HttpResponse<String> empty = get(0, "/api/graphs//");

        // then
        assertEquals("graph id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was 'not-a-uuid'",
                assertError(word, 400));
        assertEquals("graph id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '1-1-1-1-1'",
                assertError(shortForm, 400));
        assertEquals("missing graph id: use /api/graphs/{id} with a graph id such as "
                + "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13", assertError(empty, 400));
    }

    @Test
    void whenMethodIsWrong_thenMethodNotAllowedWithAllowHeader() {
        // when
        HttpResponse<String> postGraphs = post(0, "/api/graphs");
        HttpResponse<String> deleteGraph = request(0, "DELETE", "/api/graphs/" + GraphId.newId());

        // then
        assertError(postGraphs, 405);
        assertEquals("GET", postGraphs.headers().firstValue("Allow").orElse(null));
        assertError(deleteGraph, 405);
        assertEquals("GET", deleteGraph.headers().firstValue("Allow").orElse(null));
    }

    /** Each stage's {@code after}, as compact JSON. */
    private static String afters(JsonNode graph) {
        List<JsonNode> afters = new ArrayList<>();
        graph.get("stages").forEach(stage -> afters.add(stage.get("after")));
        return JSON.createArrayNode().addAll(afters).toString();
    }
}
