package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A server whose media port range is used up answers a join with a Graph 503 that says when to try again. */
class MediaPortsExhaustedTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    @Test
    void aJoinWhenNoMediaPortIsFreeIs503WithRetryAfter() throws Exception {
        try (CallbackReceiver bot = new CallbackReceiver();
             TestServer server = TestServer.start(cfg -> cfg.withMediaPorts(cfg.mediaPortLow(), cfg.mediaPortLow()))) {
            String callId = MetricsTest.createGroupCall(server.baseUrl(), Tokens.devBotToken(server.baseUrl()), bot.url());
            assertThat(join(server, callId, Tokens.aliceToken(server.baseUrl())).statusCode()).isEqualTo(201);

            HttpResponse<String> refused = join(server, callId, Tokens.bobToken(server.baseUrl()));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
            JsonNode error = new ObjectMapper().readTree(refused.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("serviceNotAvailable");
            assertThat(error.at("/innerError/request-id").asText()).isNotBlank();
        }
    }

    static HttpResponse<String> join(TestServer server, String callId, String userToken) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v1/calls/" + callId + "/participants"))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(OFFER)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
