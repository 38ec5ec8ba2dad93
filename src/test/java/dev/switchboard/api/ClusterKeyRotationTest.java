package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.Call;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.Main;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rotate-keys --redis}: the cluster's signing key rotates on every node; a token signed before (old key) and
 * one signed after (new key) both verify on every node, and every node serves the same JWKS with both keys.
 */
class ClusterKeyRotationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aRotationPublishesTheNewKeyEverywhereAndOldAndNewTokensVerifyOnEveryNode(@TempDir Path dir) throws Exception {
        RedisServer.requireOrSkip();
        try (ClusterFixture cluster = new ClusterFixture(dir);
             CallbackReceiver bot = new CallbackReceiver();
             RtpPeer botPeer = new RtpPeer("127.0.0.1")) {
            List<ServerProcess> nodes = List.of(cluster.start("a"), cluster.start("b"), cluster.start("c"));
            cluster.awaitNodes("a", "b", "c");
            String before = Tokens.devBotToken(nodes.get(0).baseUrl());
            String oldKid = kid(before);
            TreeSet<String> initial = jwksKids(nodes.get(2)); // the token key and the callback key
            assertThat(initial).contains(oldKid);
            Call call = ClusterFixture.createCall(nodes.get(0), before, bot.url(), botPeer);

            assertThat(Main.run("rotate-keys", "--redis", cluster.redis.uri(), "--follow-timeout", "20s")).isZero();

            String after = Tokens.devBotToken(nodes.get(1).baseUrl());
            String newKid = kid(after);
            assertThat(newKid).as("a token issued after the rotation is signed with the new key").isNotEqualTo(oldKid);
            for (ServerProcess n : nodes) {
                assertThat(kid(Tokens.devBotToken(n.baseUrl()))).as("every node signs with the new key").isEqualTo(newKid);
            }
            List<String> documents = new ArrayList<>();
            for (ServerProcess n : nodes) {
                TreeSet<String> expected = new TreeSet<>(initial);
                expected.add(newKid);
                assertThat(jwksKids(n)).as("the JWKS of " + n.baseUrl() + ": the old key kept, the new one added").isEqualTo(expected);
                documents.add(jwks(n).toString());
            }
            assertThat(Set.copyOf(documents)).as("every node serves the same JWKS").hasSize(1);
            for (ServerProcess n : nodes) {
                for (String token : List.of(before, after)) {
                    Call got = GraphSdk.client(n.baseUrl(), token).communications().calls().byCallId(call.getId()).get();
                    assertThat(got.getId()).as("GET through " + n.baseUrl() + " with a token of kid " + kid(token)).isEqualTo(call.getId());
                }
            }
            assertThat(Set.copyOf(cluster.jedis.hgetAll("sb:identity:acks").values())).as("every node followed the last version")
                    .containsExactly(cluster.jedis.get("sb:identity:version"));
        }
    }

    static String kid(String jwt) throws Exception {
        String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
        return JSON.readTree(header).path("kid").asText();
    }

    static JsonNode jwks(ServerProcess node) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/" + DevIdentities.TENANT_ID
                + "/discovery/v2.0/keys")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static TreeSet<String> jwksKids(ServerProcess node) throws Exception {
        TreeSet<String> kids = new TreeSet<>();
        for (JsonNode k : jwks(node).path("keys")) {
            if ("RSA".equals(k.path("kty").asText())) {
                kids.add(k.path("kid").asText());
            }
        }
        return kids;
    }
}
