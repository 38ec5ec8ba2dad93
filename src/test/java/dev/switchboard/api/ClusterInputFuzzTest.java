package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.JsonMutations;
import dev.switchboard.testsupport.Mutation;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.SdpMutations;
import dev.switchboard.testsupport.ServerProcess;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input through the node that does not hold the call (docs/cluster.md routes it to the owner): the group-call
 * routes of {@link InputFuzzTest}, their valid bodies mutated at random by {@link JsonMutations}, sent to the other
 * node of a two-node cluster (a real redis-server, nodes as child processes). Each refusal must be the very refusal the
 * owner gives for the same bytes when asked directly — same status, same error code, same message — and must change
 * nothing the owner shows (the call, its participants, its audio routing groups). Never a 5xx. The same for carol's
 * join with a mutated SDP offer ({@link SdpMutations}). Seeded like {@link InputFuzzTest} ({@code -Dfuzz.seed},
 * {@code -Dfuzz.clusterRounds}, default 8 per route; {@code -Dfuzz.clusterSdpRounds}, default 60).
 */
class ClusterInputFuzzTest {
    static final String CALLS = InputFuzzTest.CALLS;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static CallbackReceiver webhook;
    static PromptServer prompts;
    static ServerProcess a;
    static ServerProcess b;
    static String botToken;
    static String aliceToken;
    static String bobToken;
    static String carolToken;

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireOrSkip();
        cluster = new ClusterFixture(dir);
        webhook = new CallbackReceiver();
        prompts = new PromptServer();
        prompts.put("/short.wav", PromptServer.toneWav(440, 0.2, 16000));
        String hook = "--calling-webhook=" + DevIdentities.DEV_BOT_APP_ID + "=" + webhook.url();
        a = cluster.start("a", hook);
        b = cluster.start("b", hook);
        cluster.awaitNodes("a", "b");
        botToken = Tokens.devBotToken(a.baseUrl());
        aliceToken = Tokens.aliceToken(a.baseUrl());
        bobToken = Tokens.bobToken(a.baseUrl());
        carolToken = Tokens.carolToken(a.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (prompts != null) {
            prompts.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A group call of alice and bob with one routing group, its owner node and the other node. */
    record Scene(InputFuzzTest.Built built, ServerProcess owner, ServerProcess other) {
    }

    @Test
    void throughTheOtherNodeEveryRefusalIsTheOwnersAndChangesNothing() throws Exception {
        long seed = InputFuzzTest.seed();
        int rounds = Integer.getInteger("fuzz.clusterRounds", 8);
        Random random = new Random(seed);
        for (InputFuzzTest.Endpoint endpoint : InputFuzzTest.endpoints(webhook.url(), prompts.url("/short.wav"))) {
            if (endpoint.scene() != InputFuzzTest.Scene.GROUP || endpoint.asCarol()) {
                continue;
            }
            String label = endpoint.method() + " " + endpoint.path();
            Scene scene = build();
            HttpResponse<String> valid = send(scene.other(), endpoint, scene, "application/json",
                    scene.built().fill(endpoint.body()).getBytes(StandardCharsets.UTF_8));
            assertThat(valid.statusCode()).as("the valid body of %s through the other node: %s", label, valid.body())
                    .isBetween(200, 299);
            tearDown(scene);
            scene = build();
            for (int round = 0; round < rounds; round++) {
                JsonNode tree = GraphHttp.JSON.readTree(scene.built().fill(endpoint.body()));
                Mutation m = JsonMutations.mutate(tree, scene.built().ids(), random);
                String context = "seed " + seed + ", " + label + ", round " + round + ", " + m.what() + ", content-type "
                        + m.contentType() + ", body " + Mutation.abbreviate(new String(m.body(), StandardCharsets.UTF_8), 1500);
                String before = snapshot(scene);
                HttpResponse<String> routed = send(scene.other(), endpoint, scene, m.contentType(), m.body());
                assertThat(routed.statusCode()).as("never a server error: " + context + " → " + routed.body())
                        .isLessThan(500);
                if (routed.statusCode() < 400) {
                    tearDown(scene);
                    scene = build();
                    continue;
                }
                InputFuzzTest.assertGraphError(routed, context);
                assertThat(snapshot(scene)).as("a refused request changes nothing: " + context).isEqualTo(before);
                assertSameRefusal(routed, send(scene.owner(), endpoint, scene, m.contentType(), m.body()), context);
            }
            tearDown(scene);
        }
    }

    @Test
    void aJoinThroughTheOtherNodeIsRefusedAsTheOwnerRefusesIt() throws Exception {
        long seed = InputFuzzTest.seed();
        int rounds = Integer.getInteger("fuzz.clusterSdpRounds", 60);
        Random random = new Random(seed);
        Scene scene = build();
        try {
            for (int round = 0; round < rounds; round++) {
                Mutation m = SdpMutations.mutate(random.nextBoolean() ? offer() : InputFuzzTest.opusOffer(), random);
                String context = "seed " + seed + ", round " + round + ", " + m.what() + ", content-type "
                        + m.contentType() + ", offer " + Mutation.abbreviate(new String(m.body(), StandardCharsets.UTF_8)
                        .replace("\r\n", "|"), 1500);
                String before = snapshot(scene);
                HttpResponse<String> routed = join(scene.other(), scene, m);
                assertThat(routed.statusCode()).as("never a server error: " + context + " → " + routed.body())
                        .isLessThan(500);
                if (routed.statusCode() < 400) {
                    URI leg = URI.create(scene.owner().baseUrl()).resolve(routed.headers().firstValue("Location").orElseThrow());
                    assertThat(HTTP.send(HttpRequest.newBuilder(leg).header("Authorization", "Bearer " + carolToken)
                            .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isLessThan(300);
                    continue;
                }
                InputFuzzTest.assertGraphError(routed, context);
                assertThat(snapshot(scene)).as("a refused join changes nothing: " + context).isEqualTo(before);
                assertSameRefusal(routed, join(scene.owner(), scene, m), context);
            }
        } finally {
            tearDown(scene);
        }
    }

    /**
     * A body past the server's 1 MiB request limit, sent through the other node: the owner's own answer, whatever
     * the route does with a body (a GET ignores it, a POST refuses it with the limit in the message), not one the
     * entry node makes up because it had to read the body to hop it.
     */
    @Test
    void anOversizedBodyThroughTheOtherNodeGetsTheOwnersAnswer() throws Exception {
        Scene scene = build();
        try {
            String call = CALLS + "/" + scene.built().callId();
            String alice = call + "/participants/" + scene.built().alice().participantId();
            byte[] big = ("{\"clientContext\":\"" + "a".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int round = 0; round < 10; round++) { // the race an early answer meets shows once in dozens
                for (String[] request : List.of(new String[] {"GET", call}, new String[] {"GET", alice},
                        new String[] {"GET", call + "/participants/unknown"}, new String[] {"POST", call + "/mute"},
                        new String[] {"POST", alice + "/mute"}, new String[] {"DELETE", call + "/participants/unknown"})) {
                    String context = request[0] + " " + request[1] + " with a body of " + big.length + " bytes";
                    String before = snapshot(scene);
                    HttpResponse<String> routed = raw(scene.other(), request[0], request[1], big);
                    HttpResponse<String> direct = raw(scene.owner(), request[0], request[1], big);
                    assertThat(routed.statusCode()).as(context + ": through the other node " + routed.body()
                            + ", from the owner " + direct.body()).isEqualTo(direct.statusCode());
                    if (direct.statusCode() >= 400) {
                        assertSameRefusal(routed, direct, context);
                    }
                    assertThat(snapshot(scene)).as(context + " changes nothing").isEqualTo(before);
                }
            }
        } finally {
            tearDown(scene);
        }
    }

    /**
     * The request as a careful client sends a large body: past 64 KiB it asks first ({@code Expect: 100-continue}, as
     * curl does past 1 MiB), so an answer given without reading the body (a 404, the 413 of a body over the server's
     * 1 MiB, which it does not read) is not lost to a reset while the body is still being sent.
     */
    static HttpResponse<String> raw(ServerProcess node, String method, String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).header("Authorization", "Bearer " + botToken)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .expectContinue(body.length > 64 * 1024).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The owner's answer to the same bytes is the routed refusal: same status, error code and message. */
    static void assertSameRefusal(HttpResponse<String> routed, HttpResponse<String> direct, String context)
            throws Exception {
        assertThat(direct.statusCode()).as("the owner refuses it the same: " + context + " → routed " + routed.body()
                + ", direct " + direct.body()).isEqualTo(routed.statusCode());
        JsonNode r = GraphHttp.JSON.readTree(routed.body()).path("error");
        JsonNode d = GraphHttp.JSON.readTree(direct.body()).path("error");
        assertThat(r.path("code").asText()).as(context).isEqualTo(d.path("code").asText());
        assertThat(r.path("message").asText()).as(context).isEqualTo(d.path("message").asText());
    }

    /** Carol joins the scene's call through {@code node} with the mutated offer. */
    static HttpResponse<String> join(ServerProcess node, Scene scene, Mutation m) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/client/v1/calls/"
                        + scene.built().callId() + "/participants"))
                .header("Authorization", "Bearer " + carolToken).POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
        if (!m.contentType().isEmpty()) {
            b.header("Content-Type", m.contentType());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Scene build() throws Exception {
        HttpResponse<String> created = post(a, CALLS, """
                {"callbackUri":"%s","requestedModalities":["audio"],
                 "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                 "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}},
                            {"identity":{"user":{"id":"%s"}}}]}"""
                .formatted(webhook.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID, DevIdentities.CAROL_ID));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = GraphHttp.JSON.readTree(created.body()).get("id").asText();
        ServerProcess owner = "a".equals(cluster.ownerOf(id)) ? a : b;
        ServerProcess other = owner == a ? b : a;
        ClientApi alice = new ClientApi(new ServerHttp(owner.baseUrl()), aliceToken);
        ClientApi bob = new ClientApi(new ServerHttp(owner.baseUrl()), bobToken);
        ClientApi.Joined aliceLeg = alice.join(id, offer());
        ClientApi.Joined bobLeg = bob.join(id, offer());
        await().atMost(Duration.ofSeconds(30)).until(() -> GraphHttp.JSON.readTree(get(owner, CALLS + "/" + id).body())
                .path("state").asText().equals("established"));
        HttpResponse<String> group = post(owner, CALLS + "/" + id + "/audioRoutingGroups", "{\"routingMode\":\"oneToOne\","
                + "\"sources\":[\"" + aliceLeg.participantId() + "\"],\"receivers\":[\"" + bobLeg.participantId() + "\"]}");
        assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
        return new Scene(new InputFuzzTest.Built(InputFuzzTest.Scene.GROUP, id, aliceLeg, bobLeg,
                GraphHttp.JSON.readTree(group.body()).get("id").asText()), owner, other);
    }

    static void tearDown(Scene scene) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(scene.owner().baseUrl() + CALLS + "/" + scene.built().callId()))
                .header("Authorization", "Bearer " + botToken).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        for (ClientApi.Joined leg : List.of(scene.built().alice(), scene.built().bob())) {
            HTTP.send(HttpRequest.newBuilder(URI.create(scene.owner().baseUrl()).resolve(leg.location()))
                    .header("Authorization", "Bearer " + (leg == scene.built().alice() ? aliceToken : bobToken))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The call, its participants and its routing groups as the owner shows them to the bot. */
    static String snapshot(Scene scene) throws Exception {
        String base = CALLS + "/" + scene.built().callId();
        return get(scene.owner(), base).body() + get(scene.owner(), base + "/participants").body()
                + get(scene.owner(), base + "/audioRoutingGroups").body();
    }

    static HttpResponse<String> send(ServerProcess node, InputFuzzTest.Endpoint endpoint, Scene scene, String contentType,
                                     byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + scene.built().fill(endpoint.path())))
                .header("Authorization", "Bearer " + botToken)
                .method(endpoint.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ServerProcess node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", "Bearer " + botToken).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(ServerProcess node, String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).header("Authorization", "Bearer " + botToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String offer() {
        return FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv");
    }
}
