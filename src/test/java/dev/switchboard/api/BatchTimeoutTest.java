package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.graph.GraphWire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request of a batch that does not answer within the timeout is answered {@code 504 GatewayTimeout} while it still
 * runs, whatever holds it up (here the route itself, on the request's own thread), and the batch is answered without
 * waiting for it; what depends on it is {@code 424}. The timeout counts from each request's start, so a chain of
 * requests each quicker than the timeout is answered in full, however long the chain takes.
 */
class BatchTimeoutTest {
    @Test
    void aRequestThatHangsIsA504AndTheBatchDoesNotWaitForIt() throws Exception {
        List<BatchStep> steps = BatchSteps.parse((ObjectNode) GraphWire.JSON.readTree("""
                {"requests": [
                  {"id": "slow", "method": "GET", "url": "/communications/calls/slow"},
                  {"id": "after-slow", "method": "GET", "url": "/communications/calls/after", "dependsOn": ["slow"]},
                  {"id": "hangs", "method": "GET", "url": "/communications/calls/hangs"},
                  {"id": "after-hangs", "method": "GET", "url": "/communications/calls/never", "dependsOn": ["hangs"]}
                ]}"""));
        CountDownLatch release = new CountDownLatch(1);
        Duration timeout = Duration.ofSeconds(5);
        try {
            Map<String, SubResponse> answers = BatchHandler.answers(BatchSteps.runOrder(steps), step -> {
                try {
                    if (step.id().equals("hangs")) {
                        release.await(); // a route that never ends
                    } else if (step.id().contains("slow")) {
                        Thread.sleep(3_000); // each of the chain's two within the timeout, the two together past it
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new SubResponse(200, List.of(Map.entry("Content-Type", "application/json")),
                        "{}".getBytes(StandardCharsets.UTF_8));
            }, timeout);

            assertThat(release.getCount()).as("the hung request still runs").isEqualTo(1);
            assertThat(answers.get("slow").status()).isEqualTo(200);
            assertThat(answers.get("after-slow").status()).as("timed from its own start").isEqualTo(200);
            assertThat(answers.get("hangs").status()).isEqualTo(504);
            assertThat(new String(answers.get("hangs").body(), StandardCharsets.UTF_8))
                    .contains("\"code\":\"GatewayTimeout\"", "Request 'hangs' was not answered within 5 s; it may have run.");
            assertThat(answers.get("after-hangs").status()).isEqualTo(424);
            assertThat(new String(answers.get("after-hangs").body(), StandardCharsets.UTF_8))
                    .contains("request 'hangs', which it depends on, failed with status 504");
        } finally {
            release.countDown();
        }
    }
}
