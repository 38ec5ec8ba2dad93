package dev.switchboard.api;

import dev.switchboard.testsupport.Prometheus;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --graph-request-limit} in a cluster is each node's: a request hopped to the call's owner is counted there, once
 * (not also on the node it reached), and the owner's {@code 429} comes back through the hop unchanged.
 */
class ClusterGraphRequestLimitTest {
    private static final String THROTTLED = "switchboard_graph_requests_throttled_total";

    @Test
    void aHoppedRequestIsCountedOnceOnTheCallsNode(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            // the create is the owner's first request of the window (placed there, counted there)
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer, "--graph-request-limit", "3/60s");
            GraphHttp viaOther = new GraphHttp(on.other().baseUrl());
            String call = "/v1.0/communications/calls/" + on.call().getId();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = viaOther.get(call, on.botToken());
                assertThat(r.statusCode()).as("hopped to the owner, counted there: " + r.body()).isEqualTo(200);
            }
            HttpResponse<String> refused = viaOther.get(call, on.botToken());
            tooManyRequests(refused);
            assertThat(Prometheus.counter(on.owner().baseUrl(), THROTTLED)).isEqualTo(1);
            assertThat(Prometheus.counter(on.other().baseUrl(), THROTTLED)).isZero();
            // the node it reached counted none of them: its own requests still have the whole limit
            for (int i = 0; i < 3; i++) {
                assertThat(viaOther.get("/v1.0/communications/calls/no-such-call", on.botToken()).statusCode()).isEqualTo(404);
            }
            tooManyRequests(viaOther.get("/v1.0/communications/calls/no-such-call", on.botToken()));
        }
    }

    private static void tooManyRequests(HttpResponse<String> r) throws Exception {
        GraphHttp.graphError(r, 429, "TooManyRequests");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
}
