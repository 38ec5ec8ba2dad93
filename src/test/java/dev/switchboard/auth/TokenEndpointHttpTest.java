package dev.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import static dev.switchboard.auth.DevIdentities.*;
import static dev.switchboard.testsupport.Tokens.enc;
import static org.assertj.core.api.Assertions.assertThat;

/** The authority's HTTP endpoints on a real server, with the JDK HTTP client and Nimbus as independent checkers. */
class TokenEndpointHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestServer server;
    static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static Set<String> names(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode oauthError(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).startsWith("AADSTS");
        assertThat(body.get("error_codes").isArray()).isTrue();
        assertThat(body.get("trace_id").asText()).isEqualTo(r.headers().firstValue("request-id").orElseThrow());
        assertThat(body.has("correlation_id")).isTrue();
        return body;
    }

    static double refusedCount(String error) {
        var c = server.server().metrics().find("switchboard.auth.token.requests.refused").tag("error", error).counter();
        return c == null ? 0 : c.count();
    }

    static String clientCredentials(String clientId, String secret) {
        return "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
                + "&scope=" + enc("https://graph.microsoft.com/.default");
    }

    @Test
    void clientCredentialsGivesAnEntraShapedAppToken() throws Exception {
        HttpResponse<String> r = Tokens.post(base, TENANT_ID, clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cache-control").orElse("")).contains("no-store");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.get("ext_expires_in").asLong()).isEqualTo(3600);
        String token = body.get("access_token").asText();

        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(header.get("kid").asText()).isNotBlank();

        JsonNode c = claims(token);
        assertThat(names(c)).containsExactlyInAnyOrder("iss", "aud", "tid", "appid", "azp", "oid", "idtyp", "roles",
                "iat", "nbf", "exp", "jti");
        assertThat(c.get("iss").asText()).isEqualTo(base + "/" + TENANT_ID + "/v2.0");
        assertThat(c.get("aud").asText()).isEqualTo("https://graph.microsoft.com");
        assertThat(c.get("tid").asText()).isEqualTo(TENANT_ID);
        assertThat(c.get("appid").asText()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(c.get("azp").asText()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(c.get("idtyp").asText()).isEqualTo("app");
        assertThat(JSON.convertValue(c.get("roles"), String[].class)).containsExactlyInAnyOrder("Calls.Initiate.All",
                "Calls.InitiateGroupCall.All", "Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All", "Calls.AccessMedia.All");
        assertThat(c.get("exp").asLong() - c.get("iat").asLong()).isEqualTo(3600);
        assertThat(c.get("nbf").asLong()).isEqualTo(c.get("iat").asLong());
        assertThat(claims(Tokens.devBotToken(base)).get("jti").asText()).isNotEqualTo(c.get("jti").asText());

        Principal p = server.server().authenticator().authenticate("Bearer " + token);
        assertThat(p.appOnly()).isTrue();
        assertThat(p.appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void eachDevAppGetsExactlyItsRoles() throws Exception {
        assertThat(JSON.convertValue(claims(Tokens.p2pBotToken(base)).get("roles"), String[].class))
                .containsExactly("Calls.Initiate.All");
        JsonNode other = claims(Tokens.otherTenantBotToken(base));
        assertThat(other.get("tid").asText()).isEqualTo(OTHER_TENANT_ID);
        assertThat(other.get("iss").asText()).isEqualTo(base + "/" + OTHER_TENANT_ID + "/v2.0");
        assertThat(other.get("roles").size()).isEqualTo(5);
        Principal p = server.server().authenticator().authenticate("Bearer " + Tokens.otherTenantBotToken(base));
        assertThat(p.tenantId()).isEqualTo(OTHER_TENANT_ID);
    }

    @Test
    void tenantIdInTheUrlIsCaseInsensitiveAndTheIssuerCanonical() throws Exception {
        HttpResponse<String> r = Tokens.post(base, TENANT_ID.toUpperCase(), clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(claims(JSON.readTree(r.body()).get("access_token").asText()).get("iss").asText())
                .isEqualTo(base + "/" + TENANT_ID + "/v2.0");
        assertThat(get("/" + TENANT_ID.toUpperCase() + "/discovery/v2.0/keys").statusCode()).isEqualTo(200);
    }

    @Test
    void theParametersMsalSendsAreAccepted() throws Exception {
        String form = "client_info=1&grant_type=client_credentials&scope="
                + enc("https://graph.microsoft.com/.default openid profile offline_access")
                + "&client_id=" + enc(DEV_BOT_APP_ID) + "&client_secret=" + enc(DEV_BOT_SECRET);
        HttpResponse<String> r = Tokens.post(base, TENANT_ID, form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(claims(JSON.readTree(r.body()).get("access_token").asText()).get("appid").asText()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void graphsAppIdFormOfTheScopeIsAccepted() {
        HttpResponse<String> r = Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&scope=" + enc("00000003-0000-0000-c000-000000000000/.default"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void clientSecretBasicIsAccepted() throws Exception {
        String basic = Base64.getEncoder().encodeToString((DEV_BOT_APP_ID + ":" + DEV_BOT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + enc("https://graph.microsoft.com/.default")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void wrongSecretIsInvalidClient() throws Exception {
        double before = refusedCount("invalid_client");
        JsonNode e = oauthError(Tokens.post(base, TENANT_ID, clientCredentials(DEV_BOT_APP_ID, "wrong")), 401, "invalid_client");
        assertThat(refusedCount("invalid_client")).isEqualTo(before + 1);
        assertThat(e.get("error_description").asText()).doesNotContain("wrong").doesNotContain(DEV_BOT_SECRET);
        assertThat(e.get("error_codes").get(0).asInt()).isEqualTo(7000215);
    }

    @Test
    void unknownClientIsInvalidClient() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, clientCredentials("00000000-0000-4000-8000-0000000dead0", "x")), 401, "invalid_client");
    }

    @Test
    void appOfAnotherTenantIsInvalidClientHere() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, clientCredentials(OTHER_TENANT_BOT_APP_ID, OTHER_TENANT_BOT_SECRET)), 401, "invalid_client");
    }

    @Test
    void missingSecretIsInvalidClient() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&scope=" + enc("https://graph.microsoft.com/.default")), 401, "invalid_client");
    }

    @Test
    void unknownTenantIsRefused() throws Exception {
        oauthError(Tokens.post(base, "00000000-0000-4000-8000-00000000ffff", clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET)),
                400, "invalid_tenant");
        oauthError(get("/00000000-0000-4000-8000-00000000ffff/discovery/v2.0/keys"), 400, "invalid_tenant");
    }

    @Test
    void missingOrUnsupportedGrantTypeIsRefused() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, "client_id=" + DEV_BOT_APP_ID + "&client_secret=" + DEV_BOT_SECRET), 400, "invalid_request");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=" + enc("urn:ietf:params:oauth:grant-type:saml2-bearer")
                + "&client_id=" + DEV_BOT_APP_ID), 400, "unsupported_grant_type");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=authorization_code&code=abc&redirect_uri=" + enc("http://localhost:1/cb")
                + "&client_id=" + DEV_BOT_APP_ID), 401, "invalid_client");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=authorization_code&code=abc&redirect_uri=" + enc("http://localhost:1/cb")
                + "&client_id=" + DEV_BOT_APP_ID + "&client_secret=" + DEV_BOT_SECRET), 400, "invalid_grant");
    }

    @Test
    void scopeMustBeGraphsDefault() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET), 400, "invalid_request");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&scope=" + enc("https://graph.microsoft.com/User.Read")), 400, "invalid_scope");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&scope=" + enc("api://other/.default")), 400, "invalid_scope");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=client_credentials&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&scope=openid"), 400, "invalid_scope");
    }

    @Test
    void bodyMustBeFormEncoded() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(), HttpResponse.BodyHandlers.ofString());
        oauthError(r, 400, "invalid_request");
    }

    @Test
    void aBrokenPercentEscapeIsAnInvalidRequestNotAMissingParameter() throws Exception {
        // a lenient form parser drops the broken parameter: a garbled optional scope would then ask for everything
        for (String tail : new String[] {"&x=%", "&x=%zz", "&%41=1%", "%"}) {
            JsonNode error = oauthError(Tokens.post(base, TENANT_ID, clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET) + tail), 400,
                    "invalid_request");
            assertThat(error.get("error_description").asText()).as(tail).contains("%-escape");
        }
        assertThat(Tokens.post(base, TENANT_ID, clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET) + "&x=%25").statusCode())
                .as("a percent sign written as %25 is fine").isEqualTo(200);
    }

    @Test
    void theSignInPagesRefuseAFormTheyCannotReadInsteadOfGoingOnWithoutTheGarbledField() throws Exception {
        String authorize = "/" + TENANT_ID + "/oauth2/v2.0/authorize";
        String carried = "client_id=" + DEV_SPA_APP_ID + "&redirect_uri=" + enc("http://localhost:53117/callback")
                + "&response_type=code&state=s1&code_challenge=" + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256";
        String signIn = carried + "&username=" + enc(ALICE_USERNAME) + "&password=" + ALICE_PASSWORD;
        for (String bad : new String[] {"&scope=User.Read%2", "&scope=User.Read&scope=Calls.Initiate.All", "&%zz=1"}) {
            String page = rawGet(authorize + "?" + carried + bad); // java.net.URI refuses a broken escape: a socket does not
            assertThat(page).as(bad).startsWith("HTTP/1.1 400").contains("AADSTS900144").doesNotContain("<form");
            HttpResponse<String> post = form(authorize, signIn + bad);
            assertThat(post.statusCode()).as(bad).isEqualTo(400);
            assertThat(post.headers().firstValue("Location")).as("no code is given for a garbled request: " + bad).isEmpty();
        }
        assertThat(form(authorize, signIn + "&scope=User.Read%20openid").statusCode()).as("the same request, well formed").isEqualTo(302);

        JsonNode device = JSON.readTree(form("/" + TENANT_ID + "/oauth2/v2.0/devicecode",
                "client_id=" + DEV_SPA_APP_ID + "&scope=" + enc("https://graph.microsoft.com/.default openid offline_access")).body());
        String poll = "grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=" + DEV_SPA_APP_ID
                + "&device_code=" + enc(device.get("device_code").asText());
        String approve = "otc=" + enc(device.get("user_code").asText()) + "&username=" + enc(ALICE_USERNAME) + "&password=" + ALICE_PASSWORD;
        HttpResponse<String> garbled = form("/" + TENANT_ID + "/oauth2/v2.0/devicelogin", approve + "&x=%G1");
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(garbled.body()).contains("broken %-escape").doesNotContain("You have signed in");
        oauthError(Tokens.post(base, TENANT_ID, poll), 400, "authorization_pending");
        assertThat(form("/" + TENANT_ID + "/oauth2/v2.0/devicelogin", approve).body()).contains("You have signed in");
        assertThat(Tokens.post(base, TENANT_ID, poll).statusCode()).isEqualTo(200);

        String basic = Base64.getEncoder().encodeToString((DEV_BOT_APP_ID + ":dev-bot-secret%").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + enc("https://graph.microsoft.com/.default")))
                .build(), HttpResponse.BodyHandlers.ofString());
        oauthError(r, 401, "invalid_client");
    }

    /** The whole response to a GET of {@code rawPath} exactly as written, over a plain socket. */
    static String rawGet(String rawPath) throws Exception {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + rawPath + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpResponse<String> form(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void repeatedParameterIsRefused() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, clientCredentials(DEV_BOT_APP_ID, DEV_BOT_SECRET) + "&client_id=" + P2P_BOT_APP_ID),
                400, "invalid_request");
    }

    @Test
    void passwordGrantGivesADelegatedUserToken() throws Exception {
        String token = Tokens.aliceToken(base);
        JsonNode c = claims(token);
        assertThat(names(c)).containsExactlyInAnyOrder("iss", "aud", "tid", "appid", "azp", "oid", "name",
                "preferred_username", "scp", "idtyp", "iat", "nbf", "exp", "jti");
        assertThat(c.get("oid").asText()).isEqualTo(ALICE_ID);
        assertThat(c.get("preferred_username").asText()).isEqualTo(ALICE_USERNAME);
        assertThat(c.get("name").asText()).isEqualTo("Alice");
        assertThat(c.get("idtyp").asText()).isEqualTo("user");
        assertThat(c.get("aud").asText()).isEqualTo("https://graph.microsoft.com");
        assertThat(c.get("iss").asText()).isEqualTo(base + "/" + TENANT_ID + "/v2.0");
        assertThat(c.get("scp").asText().split(" ")).containsExactlyInAnyOrder("User.Read", "Calls.JoinGroupCall");
        assertThat(c.has("roles")).isFalse();
        assertThat(claims(Tokens.bobToken(base)).get("oid").asText()).isEqualTo(BOB_ID);
        assertThat(claims(Tokens.carolToken(base)).get("oid").asText()).isEqualTo(CAROL_ID);
        Principal p = server.server().authenticator().authenticate("Bearer " + token);
        assertThat(p.appOnly()).isFalse();
        assertThat(p.userId()).isEqualTo(ALICE_ID);
    }

    @Test
    void passwordGrantWithANamedScopeGrantsOnlyThat() throws Exception {
        HttpResponse<String> r = Tokens.post(base, TENANT_ID, "grant_type=password&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&username=" + enc(BOB_USERNAME) + "&password=bob&scope="
                + enc("https://graph.microsoft.com/User.Read openid profile offline_access"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(claims(JSON.readTree(r.body()).get("access_token").asText()).get("scp").asText()).isEqualTo("User.Read");
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=password&client_id=" + DEV_BOT_APP_ID
                + "&client_secret=" + DEV_BOT_SECRET + "&username=" + enc(BOB_USERNAME) + "&password=bob&scope="
                + enc("https://graph.microsoft.com/Mail.Read")), 400, "invalid_scope");
    }

    @Test
    void usernameIsCaseInsensitive() {
        assertThat(Tokens.userToken(base, TENANT_ID, "Alice@Switchboard.Local", ALICE_PASSWORD)).isNotBlank();
    }

    @Test
    void wrongPasswordOrUnknownUserIsInvalidGrant() throws Exception {
        String form = "grant_type=password&client_id=" + DEV_BOT_APP_ID + "&client_secret=" + DEV_BOT_SECRET
                + "&scope=" + enc("https://graph.microsoft.com/.default");
        JsonNode e = oauthError(Tokens.post(base, TENANT_ID, form + "&username=" + enc(ALICE_USERNAME) + "&password=bob"), 400, "invalid_grant");
        assertThat(e.get("error_codes").get(0).asInt()).isEqualTo(50126);
        oauthError(Tokens.post(base, TENANT_ID, form + "&username=" + enc("mallory@switchboard.local") + "&password=x"), 400, "invalid_grant");
        oauthError(Tokens.post(base, TENANT_ID, form + "&username=" + enc(ALICE_USERNAME)), 400, "invalid_request");
    }

    @Test
    void passwordGrantNeedsTheClientsSecretToo() throws Exception {
        oauthError(Tokens.post(base, TENANT_ID, "grant_type=password&client_id=" + DEV_BOT_APP_ID + "&client_secret=nope&username="
                + enc(ALICE_USERNAME) + "&password=alice&scope=" + enc("https://graph.microsoft.com/.default")), 401, "invalid_client");
    }

    @Test
    void userOfOneTenantCannotSignInAtAnother() throws Exception {
        oauthError(Tokens.post(base, OTHER_TENANT_ID, "grant_type=password&client_id=" + OTHER_TENANT_BOT_APP_ID
                + "&client_secret=" + OTHER_TENANT_BOT_SECRET + "&username=" + enc(ALICE_USERNAME) + "&password=alice&scope="
                + enc("https://graph.microsoft.com/.default")), 400, "invalid_grant");
    }

    @Test
    void jwksPublishesOnlyPublicKeysAndVerifiesIssuedTokens() throws Exception {
        HttpResponse<String> r = get("/" + TENANT_ID + "/discovery/v2.0/keys");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode keys = JSON.readTree(r.body()).get("keys");
        assertThat(keys.size()).isGreaterThanOrEqualTo(1);
        for (JsonNode k : keys) {
            assertThat(k.get("kty").asText()).isIn("RSA", "EC"); // RSA: access tokens; EC P-256: webhook callback tokens
            assertThat(k.get("use").asText()).isEqualTo("sig");
            assertThat(k.has("d")).isFalse();
            assertThat(k.has("p")).isFalse();
        }
        JWKSet set = JWKSet.parse(r.body());
        SignedJWT jwt = SignedJWT.parse(Tokens.devBotToken(base));
        RSAKey key = (RSAKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(get("/" + OTHER_TENANT_ID + "/discovery/v2.0/keys").body()).isEqualTo(r.body());
    }

    @Test
    void openIdConfigurationPointsAtTheEndpoints() throws Exception {
        HttpResponse<String> r = get("/" + TENANT_ID + "/v2.0/.well-known/openid-configuration");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        String issuer = doc.get("issuer").asText();
        assertThat(issuer).isEqualTo(claims(Tokens.devBotToken(base)).get("iss").asText());
        assertThat(doc.get("token_endpoint").asText()).isEqualTo(base + "/" + TENANT_ID + "/oauth2/v2.0/token");
        assertThat(get(URI.create(doc.get("jwks_uri").asText()).getPath()).statusCode()).isEqualTo(200);
        assertThat(doc.get("id_token_signing_alg_values_supported").get(0).asText()).isEqualTo("RS256");
    }
}
