package dev.switchboard.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.MediaStats;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.FfmpegPeer.Codec;
import dev.switchboard.testsupport.FormMutations;
import dev.switchboard.testsupport.JsonMutations;
import dev.switchboard.testsupport.Mutation;
import dev.switchboard.testsupport.SdpMutations;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.TokenMutations;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.ToolException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input loses nothing (docs/errors.md): every Graph action and resource Switchboard implements gets its valid
 * request body mutated at random, seeded — a value of another type, a field removed or wrapped in an array, strings
 * empty, long or exotic, numbers at their limits, ids of someone else, truncated or non-JSON bytes, duplicate keys,
 * other content types. Every answer is checked:
 * <ul>
 *   <li>never a 5xx, and never an ERROR log with a stack trace;</li>
 *   <li>a 4xx is a Graph error ({@code code}, {@code message}, {@code innerError} with the answer's
 *       {@code request-id} and a {@code date});</li>
 *   <li>after a 4xx the call, its participants, its audio routing groups and the media plane's rooms, legs and ports
 *       are exactly as before.</li>
 * </ul>
 * A 2xx (the mutation left the body valid) makes the scene used and it is built again. Each valid body is sent first
 * and must succeed, so a scene that refuses everything cannot pass. At the end nothing is left: no room, leg or port.
 * The seed is printed with every failure; {@code -Dfuzz.seed=…} replays a run, {@code -Dfuzz.rounds=…} sets how many
 * mutations each endpoint gets (default 20), {@code fuzz.sdpRounds} the offers (120), {@code fuzz.tokenRounds} the
 * tokens (300), {@code fuzz.formRounds} the token requests (200).
 */
class InputFuzzTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CALLS = "/v1.0/communications/calls";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static TestServer server;
    static CallbackReceiver webhook;
    static PromptServer prompts;
    static GraphHttp graph;
    static RtpMediaEngine media;
    static String botToken;
    static ClientApi alice;
    static ClientApi bob;
    static ClientApi carol;

    /** What a request needs to exist before it: nothing, a group call with two users, an incoming call, an answered one. */
    enum Scene { NONE, GROUP, RINGING, P2P }

    /**
     * One route and its valid body; the path's {@code {call}}, {@code {alice}}, {@code {bob}}, {@code {group}} filled
     * per scene; sent with the bot's token, or with carol's where {@code asCarol} (the client API).
     */
    record Endpoint(String method, String path, Scene scene, String body, boolean asCarol) {
        Endpoint(String method, String path, Scene scene, String body) {
            this(method, path, scene, body, false);
        }
    }

    /** A built scene: the call, the two users' legs (bob's null but in a group call), the routing group's id. */
    record Built(Scene scene, String callId, ClientApi.Joined alice, ClientApi.Joined bob, String groupId) {
        String fill(String template) {
            String s = template;
            if (callId != null) {
                s = s.replace("{call}", callId);
            }
            if (alice != null) {
                s = s.replace("{alice}", alice.participantId());
            }
            if (bob != null) {
                s = s.replace("{bob}", bob.participantId());
            }
            return groupId == null ? s : s.replace("{group}", groupId);
        }

        /** The ids a mutation may swap in: the call's and the participants'. */
        List<String> ids() {
            List<String> ids = new ArrayList<>();
            for (String id : new String[] {callId, alice == null ? null : alice.participantId(),
                    bob == null ? null : bob.participantId(), groupId}) {
                if (id != null) {
                    ids.add(id);
                }
            }
            return ids;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        webhook = new CallbackReceiver();
        prompts = new PromptServer();
        prompts.put("/short.wav", PromptServer.toneWav(440, 0.2, 16000));
        server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0))
                .withInbound(InboundSettings.DEFAULTS.withAnswerWindow(Duration.ofSeconds(60))
                        .withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook.url())));
        graph = new GraphHttp(server.baseUrl());
        media = (RtpMediaEngine) server.server().media();
        botToken = Tokens.devBotToken(server.baseUrl());
        alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
        bob = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.bobToken(server.baseUrl()));
        carol = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (prompts != null) {
            prompts.close();
        }
    }

    static List<Endpoint> endpoints() throws Exception {
        return endpoints(webhook.url(), prompts.url("/short.wav"));
    }

    /** Every route and its valid body, with {@code cb} as callback URL and {@code promptUri} as the prompt. */
    static List<Endpoint> endpoints(String cb, String promptUri) throws Exception {
        String carol = "{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.CAROL_ID + "\",\"displayName\":\"Carol\"}}}";
        String prompt = "{\"@odata.type\":\"#microsoft.graph.mediaPrompt\",\"mediaInfo\":{\"@odata.type\":"
                + "\"#microsoft.graph.mediaInfo\",\"uri\":\"" + promptUri + "\",\"resourceId\":\"short\"}}";
        String c = "{call}";
        return List.of(
                new Endpoint("POST", CALLS, Scene.NONE, """
                        {"@odata.type":"#microsoft.graph.call","callbackUri":"%s","requestedModalities":["audio"],
                         "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig","preFetchMedia":[]},
                         "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}}],
                         "tenantId":"%s"}""".formatted(cb, DevIdentities.ALICE_ID, DevIdentities.BOB_ID, DevIdentities.TENANT_ID)),
                new Endpoint("POST", CALLS + "/" + c + "/mute", Scene.GROUP, "{\"clientContext\":\"c-1\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/unmute", Scene.GROUP, "{\"clientContext\":\"c-2\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/keepAlive", Scene.GROUP, "{}"),
                new Endpoint("POST", CALLS + "/" + c + "/participants/invite", Scene.GROUP,
                        "{\"participants\":[{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\","
                                + carol.substring(1) + "],\"clientContext\":\"c-3\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/participants/{alice}/mute", Scene.GROUP, "{\"clientContext\":\"c-4\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/participants/{alice}/unmute", Scene.GROUP, "{\"clientContext\":\"c-5\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/audioRoutingGroups", Scene.GROUP,
                        "{\"@odata.type\":\"#microsoft.graph.audioRoutingGroup\",\"routingMode\":\"multicast\","
                                + "\"sources\":[\"{bob}\"],\"receivers\":[\"{alice}\"]}"),
                new Endpoint("PATCH", CALLS + "/" + c + "/audioRoutingGroups/{group}", Scene.GROUP,
                        "{\"routingMode\":\"oneToOne\",\"sources\":[\"{bob}\"],\"receivers\":[\"{alice}\"]}"),
                new Endpoint("POST", CALLS + "/" + c + "/transfer", Scene.GROUP,
                        "{\"transferTarget\":" + carol + ",\"transferee\":{\"participantId\":\"{alice}\","
                                + "\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}}}"),
                new Endpoint("POST", CALLS + "/" + c + "/subscribeToTone", Scene.GROUP, "{\"clientContext\":\"c-6\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/sendDtmfTones", Scene.P2P,
                        "{\"tones\":[\"tone1\",\"pound\"],\"delayBetweenTonesMs\":300,\"clientContext\":\"c-7\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/updateRecordingStatus", Scene.GROUP,
                        "{\"status\":\"recording\",\"clientContext\":\"c-8\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/playPrompt", Scene.GROUP,
                        "{\"prompts\":[" + prompt + "],\"clientContext\":\"c-9\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/recordResponse", Scene.GROUP,
                        "{\"prompts\":[" + prompt + "],\"bargeInAllowed\":true,\"initialSilenceTimeoutInSeconds\":5,"
                                + "\"maxSilenceTimeoutInSeconds\":2,\"maxRecordDurationInSeconds\":4,\"playBeep\":true,"
                                + "\"stopTones\":[\"#\",\"*\"],\"clientContext\":\"c-10\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/cancelMediaProcessing", Scene.GROUP, "{\"clientContext\":\"c-11\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/participants/{bob}/startHoldMusic", Scene.GROUP,
                        "{\"customPrompt\":" + prompt + ",\"clientContext\":\"c-12\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/answer", Scene.RINGING,
                        "{\"callbackUri\":\"" + cb + "\",\"mediaConfig\":{\"@odata.type\":"
                                + "\"#microsoft.graph.serviceHostedMediaConfig\",\"preFetchMedia\":[]},"
                                + "\"acceptedModalities\":[\"audio\"],\"participantCapacity\":200}"),
                new Endpoint("POST", CALLS + "/" + c + "/reject", Scene.RINGING,
                        "{\"reason\":\"busy\",\"callbackUri\":null}"),
                new Endpoint("POST", CALLS + "/" + c + "/redirect", Scene.RINGING,
                        "{\"targets\":[{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\","
                                + carol.substring(1) + "],\"timeout\":30,\"callbackUri\":\"" + cb + "\"}"),
                new Endpoint("POST", CALLS + "/" + c + "/transfer", Scene.P2P, "{\"transferTarget\":" + carol + "}"),
                new Endpoint("POST", "/client/v1/calls/" + c + "/decline", Scene.GROUP, "{\"reason\":\"busy\"}", true),
                new Endpoint("POST", CALLS + "/logTeleconferenceDeviceQuality", Scene.NONE,
                        DeviceQualityTest.valid(q -> { }).toString()),
                new Endpoint("POST", "/v1.0/$batch", Scene.GROUP, """
                        {"requests":[{"id":"1","method":"POST","url":"/communications/calls/{call}/participants/{alice}/mute",
                          "headers":{"Content-Type":"application/json"},"body":{"clientContext":"c-13"}},
                         {"id":"2","method":"GET","url":"/communications/calls/{call}/participants","dependsOn":["1"]}]}"""));
    }

    @Test
    void mutatedBodiesAreRefusedAsGraphErrorsAndChangeNothing() throws Exception {
        long seed = seed();
        int rounds = Integer.getInteger("fuzz.rounds", 20);
        Random random = new Random(seed);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root().addAppender(logs);
        Map<String, int[]> tally = new TreeMap<>();   // endpoint → {2xx, 4xx}
        try {
            for (Endpoint endpoint : endpoints()) {
                String label = endpoint.method() + " " + endpoint.path() + " (" + endpoint.scene() + ")";
                int[] counts = tally.computeIfAbsent(label, k -> new int[2]);
                Built scene = build(endpoint.scene());
                String body = scene.fill(endpoint.body());
                String bearer = endpoint.asCarol() ? carol.userToken() : botToken;
                HttpResponse<String> valid = send(endpoint.method(), scene.fill(endpoint.path()), bearer, "application/json",
                        body.getBytes(StandardCharsets.UTF_8));
                assertThat(valid.statusCode()).as("the valid body of %s succeeds: %s", label, valid.body()).isBetween(200, 299);
                endCreated(valid);
                tearDown(scene);
                scene = build(endpoint.scene());
                for (int round = 0; round < rounds; round++) {
                    JsonNode tree = GraphHttp.JSON.readTree(scene.fill(endpoint.body()));
                    Mutation m = JsonMutations.mutate(tree, scene.ids(), random);
                    String context = "seed " + seed + ", " + label + ", round " + round + ", " + m.what()
                            + ", content-type " + m.contentType() + ", body " + new String(m.body(), StandardCharsets.UTF_8);
                    Snapshot before = snapshot(scene);
                    HttpResponse<String> r = send(endpoint.method(), scene.fill(endpoint.path()), bearer, m.contentType(),
                            m.body());
                    assertThat(r.statusCode()).as("never a server error: " + context + " → " + r.body()).isLessThan(500);
                    assertThat(logs.list).as("no stack trace logged at ERROR: " + context + " → " + r.body())
                            .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getThrowableProxy() != null);
                    if (r.statusCode() >= 400) {
                        counts[1]++;
                        assertGraphError(r, context);
                        assertThat(snapshot(scene)).as("a refused request changes nothing: " + context).isEqualTo(before);
                    } else {
                        counts[0]++;
                        assertBatchAnswers(r, context);
                        endCreated(r);
                        tearDown(scene);
                        scene = build(endpoint.scene());
                    }
                }
                tearDown(scene);
            }
            assertNothingLeft(seed);
            assertThat(logs.list).as("no stack trace logged at ERROR, seed " + seed)
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getThrowableProxy() != null);
        } finally {
            root().detachAppender(logs);
            tally.forEach((k, v) -> System.out.printf("fuzz %-90s 2xx %3d  4xx %3d%n", k, v[0], v[1]));
        }
    }

    @Test
    void mutatedSdpOffersAreRefusedAsGraphErrorsAndLeaveNoLegBehind() throws Exception {
        long seed = seed();
        int rounds = Integer.getInteger("fuzz.sdpRounds", 120);
        Random random = new Random(seed);
        String chromium;
        try (var in = InputFuzzTest.class.getResourceAsStream("/webrtc/chromium-156-offer.sdp")) {
            chromium = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int accepted = 0;
        int refused = 0;
        Built scene = build(Scene.GROUP);
        try {
            for (String valid : List.of(offer(), opusOffer(), chromium)) {
                HttpResponse<String> joined = join(scene, valid, "application/sdp");
                assertThat(joined.statusCode()).as("a valid offer joins: " + joined.body()).isEqualTo(201);
                leave(joined);
            }
            tearDown(scene);
            scene = build(Scene.GROUP);
            for (int round = 0; round < rounds; round++) {
                String base = switch (random.nextInt(3)) {
                    case 0 -> offer();
                    case 1 -> opusOffer();
                    default -> chromium;
                };
                Mutation m = SdpMutations.mutate(base, random);
                boolean dial = random.nextInt(4) == 0;
                String context = "seed " + seed + ", round " + round + (dial ? ", dial" : ", join") + ", " + m.what()
                        + ", content-type " + m.contentType() + ", offer " + Mutation.abbreviate(new String(m.body(),
                        StandardCharsets.UTF_8).replace("\r\n", "|"), 1500);
                Snapshot before = snapshot(scene);
                HttpResponse<String> r = dial ? dial(m.body(), m.contentType()) : join(scene, m.body(), m.contentType());
                assertThat(r.statusCode()).as("never a server error: " + context + " → " + r.body()).isLessThan(500);
                if (r.statusCode() >= 400) {
                    refused++;
                    assertGraphError(r, context);
                    assertThat(snapshot(scene)).as("a refused offer changes nothing: " + context).isEqualTo(before);
                } else {
                    accepted++;
                    assertThat(r.statusCode()).as(context).isEqualTo(201);
                    assertThat(r.body()).as("an SDP answer: " + context).startsWith("v=0");
                    leave(r);
                    if (!dial) {
                        tearDown(scene);
                        scene = build(Scene.GROUP);
                    }
                }
            }
        } finally {
            tearDown(scene);
            System.out.printf("fuzz sdp: %d accepted, %d refused%n", accepted, refused);
        }
        assertNothingLeft(seed);
    }

    @Test
    void alteredBearerTokensAreRefused() throws Exception {
        long seed = seed();
        int rounds = Integer.getInteger("fuzz.tokenRounds", 300);
        Random random = new Random(seed);
        Built scene = build(Scene.GROUP);
        String path = CALLS + "/" + scene.callId();
        try {
            for (int round = 0; round < rounds; round++) {
                TokenMutations.Altered altered = TokenMutations.alter("Bearer " + botToken, random);
                boolean write = random.nextBoolean();
                String context = "seed " + seed + ", round " + round + ", " + altered.what() + ", Authorization: "
                        + Mutation.abbreviate(altered.header(), 2000) + " (the valid token: " + botToken + ")";
                Snapshot before = snapshot(scene);
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path + (write ? "/mute" : "")));
                if (!altered.header().isEmpty()) {
                    b.header("Authorization", altered.header());
                }
                if (write) {
                    b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
                }
                HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("never a server error: " + context).isLessThan(500);
                if (r.statusCode() < 400) {
                    assertThat(TokenMutations.sameToken(altered.header(), botToken))
                            .as("only the same token, written otherwise, is accepted: " + context).isTrue();
                    continue;
                }
                assertThat(r.statusCode()).as(context + " → " + r.body()).isIn(400, 401);
                assertGraphError(r, context);
                assertThat(snapshot(scene)).as("a refused request changes nothing: " + context).isEqualTo(before);
            }
        } finally {
            tearDown(scene);
        }
        assertNothingLeft(seed);
    }

    @Test
    void mutatedTokenRequestsNeverIssueATokenForAnotherClientOrASecretNotGiven() throws Exception {
        long seed = seed();
        int rounds = Integer.getInteger("fuzz.formRounds", 200);
        Random random = new Random(seed);
        Map<String, String> valid = new java.util.LinkedHashMap<>();
        valid.put("grant_type", "client_credentials");
        valid.put("client_id", DevIdentities.DEV_BOT_APP_ID);
        valid.put("client_secret", DevIdentities.DEV_BOT_SECRET);
        valid.put("scope", "https://graph.microsoft.com/.default");
        List<String> others = List.of(DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET,
                DevIdentities.OTHER_TENANT_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET.toUpperCase(java.util.Locale.ROOT),
                DevIdentities.DEV_BOT_APP_ID.toUpperCase(java.util.Locale.ROOT), DevIdentities.ALICE_USERNAME);
        URI endpoint = URI.create(server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token");
        for (int round = 0; round < rounds; round++) {
            Mutation m = FormMutations.mutate(valid, others, random);
            String body = new String(m.body(), StandardCharsets.UTF_8);
            String context = "seed " + seed + ", round " + round + ", " + m.what() + ", content-type " + m.contentType()
                    + ", body " + Mutation.abbreviate(body, 400);
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
            if (!m.contentType().isEmpty()) {
                b.header("Content-Type", m.contentType());
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("never a server error: " + context + " → " + r.body()).isLessThan(500);
            JsonNode answer = GraphHttp.JSON.readTree(r.body());
            if (r.statusCode() == 200) {
                Map<String, List<String>> form = FormMutations.parse(body);
                assertThat(form).as("a token only for a form: " + context).isNotNull();
                assertThat(form).as("each parameter once, the dev bot's id and secret: " + context)
                        .containsEntry("grant_type", List.of("client_credentials"))
                        .containsEntry("client_id", List.of(DevIdentities.DEV_BOT_APP_ID))
                        .containsEntry("client_secret", List.of(DevIdentities.DEV_BOT_SECRET));
                form.values().forEach(v -> assertThat(v).as("no parameter twice: " + context).hasSize(1));
                String token = answer.path("access_token").asText();
                JsonNode claims = GraphHttp.JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
                assertThat(claims.path("appid").asText()).as(context).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
            } else {
                assertThat(r.statusCode()).as(context + " → " + r.body()).isIn(400, 401, 415, 429);
                assertThat(answer.path("error").asText()).as("an OAuth error: " + context + " → " + r.body()).isNotBlank();
                assertThat(answer.path("error_description").asText()).as("its description: " + context).isNotBlank();
            }
        }
    }

    // ---- scenes ----------------------------------------------------------------------------------------------

    static Built build(Scene scene) throws Exception {
        switch (scene) {
            case NONE:
                return new Built(scene, null, null, null, null);
            case GROUP: {
                HttpResponse<String> created = graph.post(CALLS, botToken, """
                        {"callbackUri":"%s","requestedModalities":["audio"],
                         "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},
                         "targets":[{"identity":{"user":{"id":"%s"}}},{"identity":{"user":{"id":"%s"}}},
                                    {"identity":{"user":{"id":"%s"}}}]}"""
                        .formatted(webhook.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID, DevIdentities.CAROL_ID));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String id = GraphHttp.JSON.readTree(created.body()).get("id").asText();
                ClientApi.Joined a = alice.join(id, offer());
                ClientApi.Joined b = bob.join(id, offer());
                awaitState(id, "established");
                HttpResponse<String> group = graph.post(CALLS + "/" + id + "/audioRoutingGroups", botToken,
                        "{\"routingMode\":\"oneToOne\",\"sources\":[\"" + a.participantId() + "\"],\"receivers\":[\""
                                + b.participantId() + "\"]}");
                assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
                return new Built(scene, id, a, b, GraphHttp.JSON.readTree(group.body()).get("id").asText());
            }
            case RINGING: {
                ClientApi.Joined a = alice.dial(DevIdentities.DEV_BOT_APP_ID, offer());
                awaitState(a.callId(), "incoming");
                return new Built(scene, a.callId(), a, null, null);
            }
            case P2P: {
                ClientApi.Joined a = alice.dial(DevIdentities.DEV_BOT_APP_ID, offer());
                awaitState(a.callId(), "incoming");
                HttpResponse<String> answered = graph.post(CALLS + "/" + a.callId() + "/answer", botToken,
                        "{\"callbackUri\":\"" + webhook.url() + "\",\"mediaConfig\":{\"@odata.type\":"
                                + "\"#microsoft.graph.serviceHostedMediaConfig\"},\"acceptedModalities\":[\"audio\"]}");
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);
                awaitState(a.callId(), "established");
                return new Built(scene, a.callId(), a, null, null);
            }
            default:
                throw new IllegalStateException(scene.name());
        }
    }

    static void tearDown(Built scene) {
        if (scene.callId() != null) {
            quietly(() -> graph.send("DELETE", CALLS + "/" + scene.callId(), botToken, null));
        }
        if (scene.alice() != null) {
            quietly(() -> alice.leave(scene.alice()));
        }
        if (scene.bob() != null) {
            quietly(() -> bob.leave(scene.bob()));
        }
    }

    /** A call the create endpoint made (its answer names it) is hung up again. */
    static void endCreated(HttpResponse<String> r) throws Exception {
        if (r.statusCode() == 201 && r.request().uri().getPath().equals(CALLS)) {
            String id = GraphHttp.JSON.readTree(r.body()).path("id").asText();
            quietly(() -> graph.send("DELETE", CALLS + "/" + id, botToken, null));
        }
    }

    static void awaitState(String callId, String state) {
        await().atMost(WAIT).until(() -> {
            HttpResponse<String> r = graph.get(CALLS + "/" + callId, botToken);
            return r.statusCode() == 200 && GraphHttp.JSON.readTree(r.body()).path("state").asText().equals(state);
        });
    }

    // ---- what a refused request must leave alone ------------------------------------------------------------

    /** The call, its participants and its routing groups as the bot reads them, and the media plane's counts. */
    record Snapshot(String call, String participants, String groups, int rooms, int legs, int ports) {
    }

    static Snapshot snapshot(Built scene) throws Exception {
        MediaStats stats = media.stats();
        if (scene.callId() == null) {
            return new Snapshot(null, null, null, stats.rooms(), stats.legs(), stats.portsInUse());
        }
        String base = CALLS + "/" + scene.callId();
        return new Snapshot(read(base), read(base + "/participants"), read(base + "/audioRoutingGroups"),
                stats.rooms(), stats.legs(), stats.portsInUse());
    }

    static String read(String path) throws Exception {
        HttpResponse<String> r = graph.get(path, botToken);
        return r.statusCode() + " " + r.body();
    }

    /** A batch that ran: no request of it was a server error, and each refusal in it is a Graph error. */
    static void assertBatchAnswers(HttpResponse<String> r, String context) throws Exception {
        if (!r.request().uri().getPath().endsWith("/$batch")) {
            return;
        }
        for (JsonNode answer : GraphHttp.JSON.readTree(r.body()).path("responses")) {
            assertThat(answer.path("status").asInt()).as("no request of the batch failed on the server: " + context
                    + " → " + answer).isBetween(200, 499);
            if (answer.path("status").asInt() >= 400) {
                assertThat(answer.at("/body/error/code").asText()).as("a Graph error: " + context + " → " + answer)
                        .isNotBlank();
            }
        }
    }

    static void assertGraphError(HttpResponse<String> r, String context) throws Exception {
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        assertThat(contentType).as("a JSON error: " + context).startsWith("application/json");
        JsonNode error = GraphHttp.JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).as("error.code: " + context + " → " + r.body()).isNotBlank();
        assertThat(error.path("message").asText()).as("error.message: " + context + " → " + r.body()).isNotBlank();
        assertThat(error.at("/innerError/request-id").asText()).as("innerError.request-id: " + context)
                .isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        assertThat(error.at("/innerError/date").asText()).as("innerError.date: " + context).isNotBlank();
    }

    // ---- SDP plumbing ---------------------------------------------------------------------------------------

    static HttpResponse<String> join(Built scene, String offer, String contentType) throws Exception {
        return join(scene, offer.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static HttpResponse<String> join(Built scene, byte[] offer, String contentType) throws Exception {
        return sdpPost("/client/v1/calls/" + scene.callId() + "/participants", offer, contentType);
    }

    static HttpResponse<String> dial(byte[] offer, String contentType) throws Exception {
        return sdpPost("/client/v1/apps/" + DevIdentities.DEV_BOT_APP_ID + "/calls", offer, contentType);
    }

    static HttpResponse<String> sdpPost(String path, byte[] offer, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + carol.userToken()).POST(HttpRequest.BodyPublishers.ofByteArray(offer));
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Carol hangs up the leg a join or dial answered with (its Location). */
    static void leave(HttpResponse<String> created) throws Exception {
        URI leg = URI.create(server.baseUrl()).resolve(created.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(leg).header("Authorization", "Bearer " + carol.userToken())
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    }

    static String opusOffer() {
        return FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.OPUS, "sendrecv");
    }

    static void assertNothingLeft(long seed) {
        await("nothing left, seed " + seed).atMost(WAIT).untilAsserted(() -> {
            MediaStats stats = media.stats();
            assertThat(stats.rooms()).as("rooms left").isZero();
            assertThat(stats.legs()).as("legs left").isZero();
            assertThat(stats.portsInUse()).as("ports left").isZero();
        });
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    static HttpResponse<String> send(String method, String path, String bearer, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String offer() {
        return FfmpegPeer.offer(FfmpegPeer.freeEvenPortPair(), Codec.PCMU, "sendrecv");
    }

    interface Step {
        void run() throws Exception;
    }

    static void quietly(Step step) {
        try {
            step.run();
        } catch (ToolException | IllegalStateException gone) {
            // already ended: what a teardown after a 2xx may find
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code -Dfuzz.seed}, or a new seed each run (printed with every failure). */
    static long seed() {
        return Long.getLong("fuzz.seed", System.nanoTime());
    }

    static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
