package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.AppHostedMediaConfig;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Media goes only where it is wanted: over real HTTP (the Graph SDK for bots, the client API for participants), an
 * SDP offer's media address must be the requester's own address or in {@code --media-allow}; anything else is a 400
 * Graph error naming the address. The server here allows {@code 192.0.2.0/24} instead of loopback, so an accepted
 * {@code 127.0.0.1} offer proves the request's remote address reached the check.
 */
class MediaDestinationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestServer server;
    static CallbackReceiver bot;
    static GraphServiceClient graph;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(cfg -> cfg.withMediaAllow("192.0.2.0/24"));
        bot = new CallbackReceiver();
        graph = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        server.close();
        bot.close();
    }

    static String offerAt(String address) {
        return "v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    }

    private static Call appHostedCall(String mediaAddress) {
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(offerAt(mediaAddress));
        body.setMediaConfig(media);
        return graph.communications().calls().post(body);
    }

    private static HttpResponse<String> join(String callId, String offer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/calls/" + callId + "/participants"))
                .header("Authorization", "Bearer " + Tokens.aliceToken(server.baseUrl()))
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBotsOfferForSomeoneElsesAddressIsABadRequestNamingIt() {
        ODataError e = GraphSdk.expectError(() -> appHostedCall("198.51.100.7"), 400, "BadRequest");
        assertThat(e.getError().getMessage()).contains("198.51.100.7").contains("--media-allow");
    }

    @Test
    void aBotsOfferForItsOwnAddressOrAnAllowedOneIsAccepted() {
        assertThat(appHostedCall("127.0.0.1").getId()).as("the request came from 127.0.0.1").isNotBlank();
        assertThat(appHostedCall("192.0.2.7").getId()).as("in --media-allow").isNotBlank();
    }

    @Test
    void aParticipantsOfferIsCheckedTheSameWay() throws Exception {
        String callId = appHostedCall("127.0.0.1").getId();
        for (String refused : new String[] {"198.51.100.7", "127.0.0.2"}) {
            HttpResponse<String> r = join(callId, offerAt(refused));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("BadRequest");
            assertThat(error.get("message").asText()).contains(refused).contains("127.0.0.1");
        }
        HttpResponse<String> ok = join(callId, offerAt("127.0.0.1"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(ok.body()).contains("m=audio");
    }

    @Test
    void aBotsOfferInAJsonBatchIsCheckedAgainstTheBatchsClientAddress() throws Exception {
        com.microsoft.graph.core.content.BatchRequestContent batch = new com.microsoft.graph.core.content.BatchRequestContent(graph);
        String own = batch.addBatchRequestStep(graph.communications().calls().toPostRequestInformation(appHostedBody("127.0.0.1")));
        String other = batch.addBatchRequestStep(graph.communications().calls().toPostRequestInformation(appHostedBody("198.51.100.7")));
        com.microsoft.graph.core.content.BatchResponseContent answer = graph.getBatchRequestBuilder().post(batch, null);
        assertThat(answer.getResponsesStatusCode().get(own)).as("the batch came from 127.0.0.1").isEqualTo(201);
        assertThat(answer.getResponsesStatusCode().get(other)).isEqualTo(400);
        JsonNode error = JSON.readTree(answer.getResponseById(other).body().string()).get("error");
        assertThat(error.get("message").asText()).contains("198.51.100.7").contains("127.0.0.1");
    }

    private static Call appHostedBody(String mediaAddress) {
        Call body = GraphSdk.call(bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
        AppHostedMediaConfig media = new AppHostedMediaConfig();
        media.setBlob(offerAt(mediaAddress));
        body.setMediaConfig(media);
        return body;
    }
}
