package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ServerBasicsTest {
    static TestServer server;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    HttpResponse<String> get(String path, String clientRequestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET();
        if (clientRequestId != null) {
            b.header("client-request-id", clientRequestId);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownPathAnswersGraphErrorWithRequestIds() throws Exception {
        HttpResponse<String> r = get("/v1.0/nothing/here", "my-client-id");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("request-id")).isPresent();
        assertThat(r.headers().firstValue("client-request-id")).hasValue("my-client-id");
        JsonNode err = new ObjectMapper().readTree(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("itemNotFound");
        assertThat(err.get("message").asText()).contains("/v1.0/nothing/here");
        assertThat(err.at("/innerError/request-id").asText()).isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        assertThat(err.at("/innerError/client-request-id").asText()).isEqualTo("my-client-id");
        assertThat(err.at("/innerError/date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void healthAndReadinessAnswer() throws Exception {
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        HttpResponse<String> r = get("/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void httpRequestsAreTimedByRouteTemplateAndStatus() throws Exception {
        get("/healthz", null);
        get("/v1.0/no/such/thing", null);
        String metrics = get("/metrics", null).body();
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/healthz\"[^}]*status=\"200\"");
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\"");
    }

    @Test
    void wrongMethodIs405InGraphShape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/healthz"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(new ObjectMapper().readTree(r.body()).at("/error/code").asText()).isEqualTo("MethodNotAllowed");
    }
}
