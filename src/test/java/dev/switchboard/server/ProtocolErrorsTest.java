package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.RawHttp;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors the HTTP layer produces before any route runs (bad bytes in the path, a bad Host, a URL or headers too
 * large) are Graph errors too: JSON with a code, a message and a request-id, never an HTML page. Sent over a raw
 * socket, because a client library would refuse or repair these requests.
 */
class ProtocolErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static String host;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        URI base = URI.create(server.baseUrl());
        host = base.getHost() + ":" + base.getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNulByteInThePathIsAGraphBadRequest() throws Exception {
        graphError(get("/v1.0/communications/calls/%00", host, Map.of()), 400, "BadRequest");
    }

    @Test
    void anInvalidUtf8ByteInThePathIsAGraphBadRequest() throws Exception {
        graphError(get("/v1.0/communications/calls/%FF", host, Map.of()), 400, "BadRequest");
    }

    @Test
    void aBadHostHeaderIsAGraphBadRequest() throws Exception {
        graphError(get("/v1.0/communications/calls", "[::1", Map.of()), 400, "BadRequest");
    }

    @Test
    void aUrlTooLongIsAGraphUriTooLong() throws Exception {
        graphError(get("/v1.0/communications/calls/" + "a".repeat(20_000), host, Map.of()), 414, "UriTooLong");
    }

    @Test
    void headersTooLargeAreAGraphHeadersTooLarge() throws Exception {
        String token = "x".repeat(100 * 1024);
        graphError(get("/v1.0/communications/calls", host, Map.of("Authorization", "Bearer " + token)), 431,
                "RequestHeaderFieldsTooLarge");
    }

    static RawHttp.Response get(String target, String hostHeader, Map<String, String> headers) throws Exception {
        return RawHttp.exchange(server.baseUrl(), RawHttp.request("GET", target, hostHeader, headers, null));
    }

    /** Asserts the Graph error shape: status, JSON content type, code, message, request ids in body and header. */
    static JsonNode graphError(RawHttp.Response r, int status, String code) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/json");
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        String requestId = error.get("innerError").get("request-id").asText();
        assertThat(requestId).isNotBlank();
        assertThat(error.get("innerError").get("date").asText()).isNotBlank();
        assertThat(r.header("request-id")).isEqualTo(requestId);
        return error;
    }
}
