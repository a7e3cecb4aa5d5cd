package dev.canopy.node.http;

import dev.canopy.grid.GridConfig;
import dev.canopy.grid.JobHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The status page of a node with a cluster key, in headless Chromium driven over the DevTools
 * protocol ({@link HeadlessChromium}): the page asks for the token when the API answers 401, keeps
 * it for the tab and sends it as {@code Authorization: Bearer}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatusPageTokenTest extends StatusServerTestSupport {

    private static final String SECRET = "a-test-cluster-key-of-at-least-32-characters";

    @Test
    void whenCancelIsClickedOnAKeyedNode_thenThePageAsksForTheTokenOnceAndTheJobIsCancelled() throws Exception {
        // given a node whose cancel needs the token, a running job, and its page open
        StatusServer server = startServer(GridConfig.defaults().httpPort(0).clusterKey(SECRET));
        String token = GridConfig.defaults().clusterKey(SECRET).httpToken().orElseThrow();
        JobHandle<Long> job = submitParkingJob("click-me", 20_000, 50);
        awaitRunningLeaf(job);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.answerDialogs(token);
            chromium.open(server.uri());
            String button = "document.querySelector('button.cancel[data-id=\"" + job.id() + "\"]')";
            awaitTrue("the page to list the job with its cancel button",
                    () -> chromium.evaluate(button + " !== null").asBoolean());

            // when
            chromium.run(button + ".click()");

            // then it confirmed, asked for the token once, and the cancel went through
            assertEndsCancelled(job);
            assertEquals(List.of("confirm: Cancel job " + job.id() + "?",
                    "prompt: Cancelling a job needs this node's token.\nPaste this node's token (`bin/grid token`"
                            + " prints it); this tab keeps it until it closes."), chromium.dialogs());
            assertEquals(token, chromium.evaluate("sessionStorage.getItem('canopy.httpToken')").asText());
        }
    }

    @Test
    void whenReadsNeedTheToken_thenThePageAsksForItAndShowsTheGrid() throws Exception {
        // given
        StatusServer server = startServer(GridConfig.defaults().httpPort(0).clusterKey(SECRET)
                .httpReadsNeedToken(true));
        String token = GridConfig.defaults().clusterKey(SECRET).httpToken().orElseThrow();
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.answerDialogs(token);

            // when
            chromium.open(server.uri());

            // then
            awaitTrue("the page to list both members", () -> chromium.evaluate(
                    "document.querySelectorAll('tr.member').length").asInt() == 2);
            awaitTrue("the page to show it is live", () -> chromium.evaluate(
                    "document.getElementById('status').className").asText().equals("ok"));
            assertEquals(List.of("prompt: Reading this node's status needs its token.\nPaste this node's token"
                    + " (`bin/grid token` prints it); this tab keeps it until it closes."), chromium.dialogs());
        }
    }

    @Test
    void whenTheTokenIsDeclined_thenThePageSaysHowToGetItAndAsksNoMore() throws Exception {
        // given
        StatusServer server = startServer(GridConfig.defaults().httpPort(0).clusterKey(SECRET)
                .httpReadsNeedToken(true));
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.answerDialogs("");

            // when
            chromium.open(server.uri());

            // then
            awaitTrue("the page to say what the node needs", () -> chromium.evaluate(
                    "document.getElementById('status').textContent").asText().equals("cannot reach the node: reading"
                    + " this node's status needs this node's token: send Authorization: Bearer <token>;"
                    + " `bin/grid token` prints it"));
            awaitTrue("the page to poll the API three more times", () -> chromium.evaluate("performance"
                    + ".getEntriesByType('resource').filter(function (e) { return e.name.indexOf('api/topology') >= 0; })"
                    + ".length").asInt() >= 4);
            assertEquals(1, chromium.dialogs().size(), chromium.dialogs().toString());
            assertEquals(0, chromium.evaluate("document.querySelectorAll('tr.member').length").asInt());
        }
    }
}
