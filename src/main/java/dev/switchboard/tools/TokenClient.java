package dev.switchboard.tools;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Gets tokens from a server's embedded authority ({@code /{tenant}/oauth2/v2.0/token}). */
public final class TokenClient {
    public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    private final ServerHttp http;

    public TokenClient(ServerHttp http) {
        this.http = http;
    }

    /** An application token (client-credentials grant). */
    public String appToken(String tenantId, String clientId, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        form.put("scope", GRAPH_SCOPE);
        return post(tenantId, form);
    }

    /** A delegated user token (password grant through a registered app, a development convenience). */
    public String userToken(String tenantId, String clientId, String clientSecret, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", GRAPH_SCOPE);
        return post(tenantId, form);
    }

    private String post(String tenantId, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = http.request("/" + enc(tenantId) + "/oauth2/v2.0/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String token = ServerHttp.json(http.send(request).body()).path("access_token").asText("");
        if (token.isEmpty()) {
            throw new ToolException(ToolException.UNAVAILABLE, "the token endpoint answered without an access_token");
        }
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
