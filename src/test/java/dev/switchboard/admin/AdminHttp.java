package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client of the admin API for tests: status and JSON body of each answer. */
final class AdminHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode json, String text) {
    }

    private final String base;

    AdminHttp(String baseUrl) {
        this.base = baseUrl;
    }

    Answer send(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").contains("json") && !r.body().isEmpty()) {
            json = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), json, r.body());
    }

    Answer get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    Answer post(String path, String token, String body) throws IOException, InterruptedException {
        return send("POST", path, token, body);
    }

    /** Signs in through the admin API and returns the bearer token. */
    String signIn(String username, String password) throws IOException, InterruptedException {
        Answer a = post("/admin/v1/signin", null, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (a.status() != 200) {
            throw new IllegalStateException("sign-in failed: " + a.status() + " " + a.text());
        }
        return a.json().get("access_token").asText();
    }
}
