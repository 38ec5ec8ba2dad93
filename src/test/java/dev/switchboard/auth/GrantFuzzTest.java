package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.FormMutations;
import dev.switchboard.testsupport.Mutation;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token endpoint's user grants under seeded mutations of valid requests, on a real server: the password grant,
 * the authorization code grant with PKCE (a fresh code signed in for through {@code /authorize} every round), and the
 * refresh token grant (a fresh refresh token every round). Parameters are removed, repeated, renamed, given odd
 * values or another user's, client's, code's, verifier's, redirect URI's or refresh token's; bodies are cut, are no
 * form, or come with another content type. The rule checked on every answer: a token is issued only for a form that
 * names each parameter once and carries exactly what the grant needs, and then it is the token of the user that
 * code, refresh token or password belongs to, for the client that asked; everything else is an OAuth error
 * ({@code error}, {@code error_description}), never a 5xx. A redeemed code or refresh token never works twice.
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.grantRounds=N} sets its length.
 */
class GrantFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TENANT = DevIdentities.TENANT_ID;
    private static final String SPA = DevIdentities.DEV_SPA_APP_ID;
    private static final String REDIRECT = "http://localhost:53117/callback";
    private static final String SCOPE = "https://graph.microsoft.com/.default openid offline_access";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long seed() {
        return Long.getLong("fuzz.seed", System.nanoTime());
    }

    private static int rounds() {
        return Integer.getInteger("fuzz.grantRounds", 120);
    }

    @Test
    void mutatedPasswordGrantsIssueOnlyTheTokenOfTheUserWhosePasswordWasGiven() throws Exception {
        long seed = seed();
        Random random = new Random(seed);
        Map<String, String> valid = new LinkedHashMap<>();
        valid.put("grant_type", "password");
        valid.put("client_id", DevIdentities.DEV_BOT_APP_ID);
        valid.put("client_secret", DevIdentities.DEV_BOT_SECRET);
        valid.put("username", DevIdentities.ALICE_USERNAME);
        valid.put("password", DevIdentities.ALICE_PASSWORD);
        valid.put("scope", "https://graph.microsoft.com/.default");
        Map<String, String> passwords = Map.of(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD,
                DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD);
        Map<String, String> ids = Map.of(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_ID, DevIdentities.BOB_USERNAME, DevIdentities.BOB_ID);
        List<String> others = List.of(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD, DevIdentities.ALICE_USERNAME.toUpperCase(Locale.ROOT),
                " " + DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD.toUpperCase(Locale.ROOT), DevIdentities.ALICE_PASSWORD + " ",
                DevIdentities.P2P_BOT_APP_ID, DevIdentities.P2P_BOT_SECRET, DevIdentities.OTHER_TENANT_BOT_APP_ID, SPA, "alice");
        for (int round = 0; round < rounds(); round++) {
            Exchange x = exchange(valid, others, random, seed, round);
            if (x.token() == null) {
                continue;
            }
            Map<String, String> form = x.singleValued();
            assertThat(form).as("each parameter once: " + x.context()).isNotNull();
            assertThat(form).as(x.context()).containsEntry("grant_type", "password")
                    .containsEntry("client_id", DevIdentities.DEV_BOT_APP_ID).containsEntry("client_secret", DevIdentities.DEV_BOT_SECRET);
            String username = form.get("username").strip().toLowerCase(Locale.ROOT); // user names are case-insensitive
            assertThat(passwords).as("a known user: " + x.context()).containsKey(username);
            assertThat(form.get("password")).as("that user's password, exactly: " + x.context()).isEqualTo(passwords.get(username));
            assertThat(x.claims().path("oid").asText()).as(x.context()).isEqualTo(ids.get(username));
            assertThat(x.claims().path("appid").asText()).as(x.context()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        }
    }

    @Test
    void mutatedCodeExchangesIssueOnlyTheTokenOfTheUserTheCodeWasSignedInFor() throws Exception {
        long seed = seed();
        Random random = new Random(seed);
        for (int round = 0; round < rounds(); round++) {
            String verifier = verifier(random);
            String aliceCode = signIn(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD, verifier);
            String bobCode = signIn(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD, verifier);
            Map<String, String> codeOwners = Map.of(aliceCode, DevIdentities.ALICE_ID, bobCode, DevIdentities.BOB_ID);
            Map<String, String> valid = new LinkedHashMap<>();
            valid.put("grant_type", "authorization_code");
            valid.put("client_id", SPA);
            valid.put("code", aliceCode);
            valid.put("redirect_uri", REDIRECT);
            valid.put("code_verifier", verifier);
            valid.put("scope", SCOPE);
            List<String> others = List.of(bobCode, aliceCode + "x", aliceCode.substring(1), verifier(random), verifier.substring(1),
                    verifier.toUpperCase(Locale.ROOT), "http://localhost:53118/callback", "http://127.0.0.1:53117/callback",
                    REDIRECT + "/", DevIdentities.DEV_BOT_APP_ID, SPA.toUpperCase(Locale.ROOT), "refresh_token");
            Exchange x = exchange(valid, others, random, seed, round);
            if (x.token() != null) {
                Map<String, String> form = x.singleValued();
                assertThat(form).as("each parameter once: " + x.context()).isNotNull();
                assertThat(form).as(x.context()).containsEntry("grant_type", "authorization_code").containsEntry("client_id", SPA)
                        .containsEntry("redirect_uri", REDIRECT).containsEntry("code_verifier", verifier);
                assertThat(codeOwners).as("a code that was issued: " + x.context()).containsKey(form.get("code"));
                assertThat(x.claims().path("oid").asText()).as("the code's user: " + x.context()).isEqualTo(codeOwners.get(form.get("code")));
                assertThat(x.claims().path("azp").asText(x.claims().path("appid").asText())).as(x.context()).isEqualTo(SPA);
                HttpResponse<String> again = post("application/x-www-form-urlencoded", x.body());
                assertThat(again.statusCode()).as("a code works once: " + x.context()).isEqualTo(400);
                assertThat(JSON.readTree(again.body()).path("error").asText()).as(x.context()).isEqualTo("invalid_grant");
            }
        }
    }

    @Test
    void mutatedRefreshesIssueOnlyTheTokenOfTheUserTheRefreshTokenBelongsTo() throws Exception {
        long seed = seed();
        Random random = new Random(seed);
        for (int round = 0; round < rounds(); round++) {
            String aliceRefresh = redeem(DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD, random).path("refresh_token").asText();
            String bobRefresh = redeem(DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD, random).path("refresh_token").asText();
            Map<String, String> owners = Map.of(aliceRefresh, DevIdentities.ALICE_ID, bobRefresh, DevIdentities.BOB_ID);
            Map<String, String> valid = new LinkedHashMap<>();
            valid.put("grant_type", "refresh_token");
            valid.put("client_id", SPA);
            valid.put("refresh_token", aliceRefresh);
            valid.put("scope", "https://graph.microsoft.com/User.Read");
            List<String> others = List.of(bobRefresh, aliceRefresh + "A", aliceRefresh.substring(2), DevIdentities.DEV_BOT_APP_ID,
                    "https://graph.microsoft.com/Calls.Initiate.All", "https://graph.microsoft.com/.default", "authorization_code");
            Exchange x = exchange(valid, others, random, seed, round);
            if (x.token() != null) {
                Map<String, String> form = x.singleValued();
                assertThat(form).as("each parameter once: " + x.context()).isNotNull();
                assertThat(form).as(x.context()).containsEntry("grant_type", "refresh_token").containsEntry("client_id", SPA);
                assertThat(owners).as("a refresh token that was issued: " + x.context()).containsKey(form.get("refresh_token"));
                assertThat(x.claims().path("oid").asText()).as("its user: " + x.context()).isEqualTo(owners.get(form.get("refresh_token")));
                assertThat(List.of(x.claims().path("scp").asText().split(" "))).as("no scope the user did not consent: " + x.context())
                        .isSubsetOf(DevIdentities.DEV_DELEGATED_SCOPES);
                HttpResponse<String> again = post("application/x-www-form-urlencoded", x.body());
                assertThat(again.statusCode()).as("a refresh token works once: " + x.context()).isEqualTo(400);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** One mutated request and what came of it: a token's claims, or (checked here) an OAuth error. */
    private record Exchange(String context, String body, String token, JsonNode claims) {
        /** The form's parameters if each came once, else null. */
        Map<String, String> singleValued() {
            Map<String, List<String>> parsed = FormMutations.parse(body);
            if (parsed == null) {
                return null;
            }
            Map<String, String> out = new HashMap<>();
            for (Map.Entry<String, List<String>> e : parsed.entrySet()) {
                if (e.getValue().size() != 1) {
                    return null;
                }
                out.put(e.getKey(), e.getValue().get(0));
            }
            return out;
        }
    }

    private static Exchange exchange(Map<String, String> valid, List<String> others, Random random, long seed, int round) throws Exception {
        Mutation m = FormMutations.mutate(valid, others, random);
        String body = new String(m.body(), StandardCharsets.UTF_8);
        String context = "seed " + seed + ", round " + round + ", " + m.what() + ", content-type " + m.contentType() + ", body "
                + Mutation.abbreviate(body, 400);
        HttpResponse<String> r = post(m.contentType(), body);
        assertThat(r.statusCode()).as("never a server error: " + context + " → " + r.body()).isLessThan(500);
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            assertThat(r.statusCode()).as(context + " → " + r.body()).isIn(400, 401, 415, 429);
            assertThat(answer.path("error").asText()).as("an OAuth error: " + context + " → " + r.body()).isNotBlank();
            assertThat(answer.path("error_description").asText()).as("its description: " + context).isNotBlank();
            return new Exchange(context, body, null, null);
        }
        String token = answer.path("access_token").asText();
        assertThat(token).as(context).isNotBlank();
        return new Exchange(context, body, token, JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])));
    }

    private static HttpResponse<String> post(String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + TENANT + "/oauth2/v2.0/token"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs {@code username} in on the authorize page for the Dev SPA with PKCE; the code it is redirected with. */
    private static String signIn(String username, String password, String verifier) throws Exception {
        String form = "client_id=" + enc(SPA) + "&redirect_uri=" + enc(REDIRECT) + "&response_type=code&scope=" + enc(SCOPE)
                + "&state=s1&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256&username=" + enc(username)
                + "&password=" + enc(password);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + TENANT + "/oauth2/v2.0/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?");
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + location);
    }

    /** A code signed in for and redeemed: the token response (with a refresh token). */
    private static JsonNode redeem(String username, String password, Random random) throws Exception {
        String verifier = verifier(random);
        String code = signIn(username, password, verifier);
        HttpResponse<String> r = post("application/x-www-form-urlencoded", "grant_type=authorization_code&client_id=" + enc(SPA)
                + "&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT) + "&code_verifier=" + enc(verifier) + "&scope=" + enc(SCOPE));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String verifier(Random random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
