package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Gets real tokens from a running server's embedded authority ({@code POST /{tenant}/oauth2/v2.0/token}), the way a
 * bot or a participant would: plain HTTP/1.1 form posts. Fails the test with the server's OAuth error when refused.
 */
public final class Tokens {
    public static final String GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokens() {
    }

    /** An app-only token (client credentials grant, scope {@code https://graph.microsoft.com/.default}). */
    public static String appToken(String baseUrl, String tenantId, String clientId, String secret) {
        return fetch(baseUrl, tenantId, "grant_type=client_credentials&client_id=" + enc(clientId)
                + "&client_secret=" + enc(secret) + "&scope=" + enc(GRAPH_DEFAULT_SCOPE));
    }

    /** A delegated user token (password grant through the Dev Bot app, scope {@code .default}). */
    public static String userToken(String baseUrl, String tenantId, String username, String password) {
        return fetch(baseUrl, tenantId, "grant_type=password&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID)
                + "&client_secret=" + enc(DevIdentities.DEV_BOT_SECRET) + "&username=" + enc(username)
                + "&password=" + enc(password) + "&scope=" + enc(GRAPH_DEFAULT_SCOPE));
    }

    public static String devBotToken(String baseUrl) {
        return appToken(baseUrl, DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET);
    }

    public static String p2pBotToken(String baseUrl) {
        return appToken(baseUrl, DevIdentities.TENANT_ID, DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET);
    }

    public static String otherTenantBotToken(String baseUrl) {
        return appToken(baseUrl, DevIdentities.OTHER_TENANT_ID, DevIdentities.OTHER_TENANT_BOT_APP_ID, DevIdentities.OTHER_TENANT_BOT_SECRET);
    }

    public static String aliceToken(String baseUrl) {
        return userToken(baseUrl, DevIdentities.TENANT_ID, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD);
    }

    public static String bobToken(String baseUrl) {
        return userToken(baseUrl, DevIdentities.TENANT_ID, DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD);
    }

    public static String carolToken(String baseUrl) {
        return userToken(baseUrl, DevIdentities.TENANT_ID, DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD);
    }

    /** Posts a raw form to the tenant's token endpoint and returns the whole response. */
    public static HttpResponse<String> post(String baseUrl, String tenantId, String form) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/" + tenantId + "/oauth2/v2.0/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String fetch(String baseUrl, String tenantId, String form) {
        HttpResponse<String> r = post(baseUrl, tenantId, form);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
        }
        try {
            JsonNode j = JSON.readTree(r.body());
            return j.get("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
