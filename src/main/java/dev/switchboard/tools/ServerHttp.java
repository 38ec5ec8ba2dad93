package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The tools' HTTP access to a Switchboard server: one client, timeouts, and Graph or OAuth error bodies
 * turned into one-line {@link ToolException}s.
 */
public final class ServerHttp {
    private static final ObjectMapper JSON = ToolJson.JSON;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public ServerHttp(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public HttpClient client() {
        return http;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl + path)).timeout(Duration.ofSeconds(15));
    }

    /** Sends a request and returns the response if its status is 2xx; otherwise throws with the server's message. */
    public HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "cannot reach the server at " + baseUrl + " (connection refused)");
        } catch (HttpTimeoutException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "the server at " + baseUrl + " did not answer in time");
        } catch (IOException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "cannot reach the server at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.UNAVAILABLE, "interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new ToolException(ToolException.REFUSED, request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + ": " + errorMessage(response.body()));
        }
        return response;
    }

    /**
     * A Graph request with a bearer token; {@code json} null sends no body. Returns the parsed answer (an empty object
     * for an empty body).
     */
    public JsonNode graph(String token, String method, String path, String json) {
        HttpRequest.Builder b = request(path).header("Authorization", "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String body = send(b.build()).body();
        return body.isEmpty() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : json(body);
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "the server sent a body that is not JSON");
        }
    }

    static String errorMessage(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.has("error") && node.get("error").isObject()) {
                return node.at("/error/code").asText() + " - " + node.at("/error/message").asText();
            }
            if (node.has("error")) {
                return node.get("error").asText() + " - " + node.path("error_description").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through
        }
        return body == null || body.isBlank() ? "(no body)" : body.strip().lines().findFirst().orElse("");
    }
}
