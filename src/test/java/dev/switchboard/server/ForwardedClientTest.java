package dev.switchboard.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.LocalTls;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a reverse proxy ({@code --trusted-proxies}, docs/https.md), the client's address is the one the proxies'
 * {@code X-Forwarded-For} names, read from its end past the trusted proxies; from anyone else the header is ignored.
 * Over real HTTP and https from two loopback addresses (127.0.0.1 trusted, 127.0.0.2 not), with a server that allows
 * no media address but the requester's own ({@code --media-allow} of an unused range): a join's and a bot's SDP
 * offer for the forwarded client's address is accepted, a spoofed chain is not, a JSON batch carries the forwarded
 * client, the sign-in limits' audit names it, and the proxy's {@code X-Forwarded-Host} still counts.
 */
class ForwardedClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "203.0.113.9";
    private static final String OTHER = "198.51.100.7";
    private static TestServer server;
    private static CallbackReceiver bot;
    private static HttpClient trusted;
    private static HttpClient untrusted;
    private static String callId;

    @BeforeAll
    static void start() throws Exception {
        bot = new CallbackReceiver();
        server = TestServer.start(cfg -> cfg.withMediaAllow("192.0.2.0/24")
                .withHttps(new HttpsSettings(0, null, null, List.of("127.0.0.1", "::1", "10.0.0.0/8"))));
        trusted = from("127.0.0.1");
        untrusted = from("127.0.0.2");
        HttpResponse<String> created = send(trusted, server.baseUrl(), "POST", "/v1.0/communications/calls",
                Tokens.devBotToken(server.baseUrl()), "application/json", call(null), List.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        callId = JSON.readTree(created.body()).get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    @Test
    void aJoinThroughTheProxyIsCheckedAgainstTheForwardedClientsAddress() throws Exception {
        assertThat(join(trusted, server.baseUrl(), CLIENT, CLIENT).statusCode()).as("the forwarded client's own address").isEqualTo(201);
        // an inner proxy (10.0.0.0/8 is trusted too) is passed over
        assertThat(join(trusted, server.baseUrl(), CLIENT, CLIENT + ", 10.1.2.3").statusCode()).isEqualTo(201);
        // over https too (the TLS connector; localhost may be ::1)
        assertThat(join(LocalTls.client(server.dataDir()), server.server().httpsBaseUrl(), CLIENT, CLIENT).statusCode())
                .isEqualTo(201);

        // the part of the chain a client wrote itself is never read: the nearest untrusted address is the client
        refused(join(trusted, server.baseUrl(), CLIENT, CLIENT + ", " + OTHER), CLIENT, OTHER);
        // from an address that is no trusted proxy the header is ignored
        refused(join(untrusted, server.baseUrl(), CLIENT, CLIENT), CLIENT, "127.0.0.2");
        // an entry that is not an address ends the chain: the proxy itself is the client
        refused(join(trusted, server.baseUrl(), CLIENT, CLIENT + ", unknown"), CLIENT, "127.0.0.1");
        refused(join(trusted, server.baseUrl(), CLIENT, "abc.de"), CLIENT, "127.0.0.1");
        assertThat(join(trusted, server.baseUrl(), "127.0.0.1", "unknown").statusCode()).isEqualTo(201);
    }

    @Test
    void aBotsOfferAloneAndInAJsonBatchIsCheckedAgainstTheForwardedClient() throws Exception {
        String token = Tokens.devBotToken(server.baseUrl());
        HttpResponse<String> alone = send(trusted, server.baseUrl(), "POST", "/v1.0/communications/calls", token,
                "application/json", call(CLIENT), List.of("X-Forwarded-For", CLIENT));
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(201);

        String batch = JSON.writeValueAsString(JSON.createObjectNode().set("requests", JSON.createArrayNode()
                .add(JSON.createObjectNode().put("id", "1").put("method", "POST").put("url", "/communications/calls")
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("headers", JSON.createObjectNode().put("Content-Type", "application/json"))
                        .set("body", JSON.readTree(call(CLIENT))))));
        HttpResponse<String> viaBatch = send(trusted, server.baseUrl(), "POST", "/v1.0/$batch", token, "application/json",
                batch, List.of("X-Forwarded-For", CLIENT));
        assertThat(viaBatch.statusCode()).as(viaBatch.body()).isEqualTo(200);
        assertThat(JSON.readTree(viaBatch.body()).at("/responses/0/status").asInt()).as(viaBatch.body()).isEqualTo(201);

        HttpResponse<String> spoofed = send(untrusted, server.baseUrl(), "POST", "/v1.0/$batch", token, "application/json",
                batch, List.of("X-Forwarded-For", CLIENT));
        JsonNode answer = JSON.readTree(spoofed.body()).at("/responses/0");
        assertThat(answer.get("status").asInt()).as(spoofed.body()).isEqualTo(400);
        assertThat(answer.at("/body/error/message").asText()).contains("127.0.0.2");
    }

    @Test
    void theSignInLimitsCountTheForwardedClient() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("switchboard.audit")).addAppender(audit);
        try {
            String form = "grant_type=password&client_id=" + DevIdentities.DEV_BOT_APP_ID + "&client_secret="
                    + DevIdentities.DEV_BOT_SECRET + "&scope=" + Tokens.enc(Tokens.GRAPH_DEFAULT_SCOPE)
                    + "&username=" + Tokens.enc(DevIdentities.CAROL_USERNAME) + "&password=wrong";
            String path = "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token";
            for (int i = 0; i < 12; i++) {
                send(trusted, server.baseUrl(), "POST", path, null, "application/x-www-form-urlencoded", form,
                        List.of("X-Forwarded-For", OTHER));
            }
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains("sign-in throttled").contains("address=" + OTHER))
                    .noneSatisfy(line -> assertThat(line).contains("address=127.0.0.1"));
        } finally {
            ((Logger) LoggerFactory.getLogger("switchboard.audit")).detachAppender(audit);
        }
    }

    @Test
    void theProxysForwardedHostStillCountsWhenItNamesTheClient() throws Exception {
        String path = "/" + DevIdentities.TENANT_ID + "/v2.0/.well-known/openid-configuration";
        List<String> headers = List.of("X-Forwarded-For", CLIENT, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "calls.example.com");
        assertThat(JSON.readTree(send(trusted, server.baseUrl(), "GET", path, null, null, null, headers).body())
                .get("issuer").asText()).startsWith("https://calls.example.com/");
        assertThat(JSON.readTree(send(untrusted, server.baseUrl(), "GET", path, null, null, null, headers).body())
                .get("issuer").asText()).startsWith(server.baseUrl() + "/");
    }

    private static void refused(HttpResponse<String> r, String offered, String client) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains(offered).contains("(" + client + ")");
    }

    private static HttpResponse<String> join(HttpClient http, String base, String mediaAddress, String forwardedFor)
            throws Exception {
        return send(http, base, "POST", "/client/v1/calls/" + callId + "/participants", Tokens.aliceToken(server.baseUrl()),
                "application/sdp", offerAt(mediaAddress), List.of("X-Forwarded-For", forwardedFor));
    }

    private static HttpResponse<String> send(HttpClient http, String base, String method, String path, String token,
            String contentType, String body, List<String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient from(String address) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName(address)).build();
    }

    private static String offerAt(String address) {
        return "v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    }

    /** A group call with Alice and Bob: service-hosted, or app-hosted with an offer at {@code mediaAddress}. */
    private static String call(String mediaAddress) throws Exception {
        String media = mediaAddress == null ? "{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}"
                : "{\"@odata.type\":\"#microsoft.graph.appHostedMediaConfig\",\"blob\":" + JSON.writeValueAsString(offerAt(mediaAddress)) + "}";
        return "{\"@odata.type\":\"#microsoft.graph.call\",\"callbackUri\":\"" + bot.url() + "\",\"requestedModalities\":[\"audio\"],"
                + "\"mediaConfig\":" + media + ",\"targets\":[" + target(DevIdentities.ALICE_ID) + "," + target(DevIdentities.BOB_ID) + "]}";
    }

    private static String target(String userId) {
        return "{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\",\"identity\":{\"@odata.type\":"
                + "\"#microsoft.graph.identitySet\",\"user\":{\"@odata.type\":\"#microsoft.graph.identity\",\"id\":\"" + userId + "\"}}}";
    }
}
