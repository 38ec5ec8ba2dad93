package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP against one test server, for what the SDK hides (exact bodies, headers, malformed requests). */
record GraphHttp(String baseUrl) {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return send("GET", path, bearer, null);
    }

    HttpResponse<String> post(String path, String bearer, String body) throws Exception {
        return send("POST", path, bearer, body);
    }

    /** Any method; a JSON {@code body}, or none when null. */
    HttpResponse<String> send(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + bearer);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a Graph-style error with this status and code; returns its {@code error} object. */
    static JsonNode graphError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as("%s %s", r.request().uri(), r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.at("/innerError/request-id").asText()).isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        return error;
    }
}
