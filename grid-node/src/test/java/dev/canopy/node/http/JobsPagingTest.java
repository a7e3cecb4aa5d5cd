package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code GET /api/jobs?limit=&offset=}: pages of the listing, newest first, with the total. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobsPagingTest extends StatusServerTestSupport {

    private static final int JOBS = 5;

    @Test
    void whenJobsArePaged_thenPagesAreNewestFirstAndTogetherListEachJobOnce() throws Exception {
        // given five finished jobs
        Set<String> submitted = new HashSet<>();
        for (int i = 0; i < JOBS; i++) {
            JobHandle<Long> job = nodes.get(0).submit(Job.range(0, 2, (index, ctx) -> 1L)
                    .reduce(Reducers.sumLong()).name("paged-" + i).build());
            assertEquals(2L, job.result().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            submitted.add(job.id().toString());
        }

        // when
        JsonNode all = json(get(0, "/api/jobs"));
        List<JsonNode> pages = List.of(json(get(0, "/api/jobs?limit=2")), json(get(0, "/api/jobs?limit=2&offset=2")),
                json(get(0, "/api/jobs?offset=4&limit=2")));
        JsonNode past = json(get(0, "/api/jobs?offset=10"));

        // then the default page holds all five, newest first
        assertEquals(JOBS, all.get("total").asInt());
        assertEquals(100, all.get("limit").asInt());
        List<String> ids = new ArrayList<>();
        Instant previous = Instant.MAX;
        for (JsonNode job : all.get("jobs")) {
            ids.add(job.get("id").asText());
            Instant at = Instant.parse(job.get("submitted").asText());
            assertFalse(at.isAfter(previous), "newest first: " + all);
            previous = at;
        }
        assertEquals(submitted, new HashSet<>(ids));
        // and the pages of two are its slices, each with the total
        List<String> paged = new ArrayList<>();
        int[] sizes = {2, 2, 1};
        for (int p = 0; p < pages.size(); p++) {
            JsonNode page = pages.get(p);
            assertEquals(sizes[p], page.get("jobs").size(), page.toString());
            assertEquals(JOBS, page.get("total").asInt());
            assertEquals(2 * p, page.get("offset").asInt());
            assertEquals(2, page.get("limit").asInt());
            page.get("jobs").forEach(job -> paged.add(job.get("id").asText()));
        }
        assertEquals(ids, paged);
        assertEquals(0, past.get("jobs").size());
        assertEquals(JOBS, past.get("total").asInt());
    }

    @Test
    void whenPagingParametersAreBad_thenBadRequestNamesParameterValueAndRange() {
        assertEquals("limit must be a whole number from 0 to 1000 but was '-1'",
                assertError(get(0, "/api/jobs?limit=-1"), 400));
        assertEquals("limit must be a whole number from 0 to 1000 but was '1001'",
                assertError(get(0, "/api/jobs?limit=1001"), 400));
        assertEquals("limit must be a whole number from 0 to 1000 but was 'ten'",
                assertError(get(0, "/api/jobs?limit=ten"), 400));
        assertEquals("offset must be a whole number of at least 0 but was '-5'",
                assertError(get(0, "/api/jobs?offset=-5"), 400));
        assertEquals("offset must be a whole number of at least 0 but was '1.5'",
                assertError(get(0, "/api/jobs?offset=1.5"), 400));
        assertEquals("limit must be given once but was given 2 times",
                assertError(get(0, "/api/jobs?limit=1&limit=2"), 400));
        assertEquals("unknown query parameter 'limt' of /api/jobs: use limit and offset",
                assertError(get(0, "/api/jobs?limt=5"), 400));
    }
}
