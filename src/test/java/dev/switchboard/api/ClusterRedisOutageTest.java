package dev.switchboard.api;

import com.microsoft.graph.models.Call;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Redis stops mid-call and comes back empty: requests that need it get 503 serviceNotAvailable with Retry-After
 * quickly, the call's audio keeps flowing, and the nodes write their state again by themselves once it returns.
 */
class ClusterRedisOutageTest {
    static final double BOT_HZ = 440;

    @Test
    void callsOutliveARedisRestartAndRequestsFailFastMeanwhile(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1");
             RtpPeer bobPeer = new RtpPeer("127.0.0.1")) {
            ClusterFixture.CallOnTwoNodes on = cluster.callOnTwoNodes(bot.url(), botPeer);
            String botToken = on.botToken();
            Call call = on.call();
            ServerProcess owner = on.owner();
            ServerProcess other = on.other();
            ClientApi bob = new ClientApi(new ServerHttp(other.baseUrl()), Tokens.bobToken(on.a().baseUrl()));
            ClusterFixture.joinHearingTheBot(bob, bobPeer, on, botPeer, BOT_HZ);

            cluster.redis.stop();
            long t0 = System.nanoTime();
            HttpResponse<String> refused = get(other, call.getId(), botToken);
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("cluster: GET through a non-owner with Redis down answered " + refused.statusCode()
                    + " in " + tookMillis + " ms");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("serviceNotAvailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(tookMillis).as("never hangs").isLessThan(10_000);
            assertThat(get(other, call.getId(), null).statusCode()).as("no token: 401, as on any node, Redis or not")
                    .isEqualTo(401);
            assertThat(get(other, call.getId(), "not-a-token").statusCode()).as("a bad token: 401").isEqualTo(401);
            assertThat(get(owner, call.getId(), botToken).statusCode()).as("the owner answers from memory").isEqualTo(200);
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(other.baseUrl() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("readiness stays (docs/operations.md, Health): the node still serves its own calls").isEqualTo(200);
            assertThat(ClusterFixture.awaitTone(bobPeer, BOT_HZ, true, Duration.ofSeconds(5)))
                    .as("the call's audio flows with Redis down").isTrue();

            cluster.redis.restart(); // empty: the nodes write their records again
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !(exists(cluster, "sb:call:" + call.getId())
                    && exists(cluster, "sb:node:a") && exists(cluster, "sb:node:b"))) {
                Thread.sleep(200);
            }
            assertThat(cluster.jedis.exists("sb:call:" + call.getId())).as("the owner rewrote its call's record").isTrue();
            Thread.sleep(1500); // one view refresh
            assertThat(get(other, call.getId(), botToken).statusCode()).as("the non-owner routes again").isEqualTo(200);
            assertThat(ClusterFixture.awaitTone(bobPeer, BOT_HZ, true, Duration.ofSeconds(5))).isTrue();
            Call second = ClusterFixture.createCall(other, botToken, bot.url(), new RtpPeer("127.0.0.1"));
            assertThat(second.getId()).as("new calls are placed again").isNotBlank();
            assertThat(bot.items().stream().filter(i -> i.path("resourceUrl").asText().contains(call.getId())
                    && i.path("changeType").asText().equals("deleted")).toList()).as("nobody ended the call").isEmpty();
        }
    }

    /** EXISTS through the test's own pool, whose connections broke with the restart (a broken one is replaced). */
    static boolean exists(ClusterFixture cluster, String key) {
        try {
            return cluster.jedis.exists(key);
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            return false;
        }
    }

    /** GET of the call through {@code node}, with {@code token} (null: no Authorization header). */
    static HttpResponse<String> get(ServerProcess node, String callId, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1.0/communications/calls/" + callId))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
