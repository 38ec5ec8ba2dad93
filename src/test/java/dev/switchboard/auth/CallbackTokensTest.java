package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbackTokensTest {
    @TempDir
    Path dir;

    @Test
    void callbackTokenVerifiesAgainstTheTenantsPublishedKeys() throws Exception {
        try (TestServer server = TestServer.start()) {
            String token = server.server().callbackSigner().issue(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).jwt();

            // what a bot does: fetch the tenant's JWKS over HTTP and check the signature and claims
            HttpResponse<String> jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/discovery/v2.0/keys")).build(), HttpResponse.BodyHandlers.ofString());
            SignedJWT jwt = SignedJWT.parse(token);
            assertThat(jwt.getHeader().getAlgorithm().getName()).as("RS256 by default, as Graph's").isEqualTo("RS256");
            com.nimbusds.jose.jwk.RSAKey key = (com.nimbusds.jose.jwk.RSAKey) JWKSet.parse(jwks.body()).getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key.isPrivate()).as("only the public half is published").isFalse();
            assertThat(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(key))).isTrue();
            assertThat(JWKSet.parse(jwks.body()).getKeys()).anyMatch(k -> k instanceof com.nimbusds.jose.jwk.RSAKey)
                    .as("the RSA keys of access tokens are published too");

            JWTClaimsSet c = jwt.getJWTClaimsSet();
            assertThat(c.getIssuer()).isEqualTo("https://api.botframework.com");
            assertThat(c.getAudience()).containsExactly(DevIdentities.DEV_BOT_APP_ID);
            assertThat(jwt.getPayload().toJSONObject().get("aud")).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
            assertThat(c.getStringClaim("tid")).isEqualTo(DevIdentities.TENANT_ID);
            assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000);
            assertThat(c.getIssueTime().getTime()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));
            assertThat(c.getClaims()).as("Graph-shaped: no body claim, so one token serves many POSTs").doesNotContainKey("sha256");
        }
    }

    @Test
    void theNotifyPartsVerifierAcceptsOurCallbackTokensAndTheFetchedNotificationKey() throws Exception {
        try (TestServer server = TestServer.start()) {
            byte[] body = "{\"value\":[]}".getBytes(StandardCharsets.UTF_8);
            dev.switchboard.notify.CallbackTokenSigner signer = server.server().callbackSigner();
            String token = signer.issue(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).jwt();
            String signature = dev.switchboard.notify.NotificationSignature.header(
                    signer.notificationKey(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID), "n-1", 7, body);
            String botToken = dev.switchboard.testsupport.Tokens.devBotToken(server.baseUrl());
            dev.switchboard.notify.NotificationVerifier verifier = dev.switchboard.notify.NotificationVerifier.forJwksUrl(
                    URI.create(server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/discovery/v2.0/keys").toURL(),
                    DevIdentities.DEV_BOT_APP_ID, dev.switchboard.notify.NotificationVerifier.DEFAULT_ISSUERS,
                    dev.switchboard.notify.NotificationKeys.fetchedFrom(URI.create(server.baseUrl()), t -> botToken));
            java.util.Map<String, String> headers = java.util.Map.of("Authorization", "Bearer " + token,
                    "X-Switchboard-Signature", signature, "X-Switchboard-Notification-Id", "n-1", "X-Switchboard-Sequence", "7");
            assertThat(verifier.verify(headers::get, body)).isEqualTo(DevIdentities.TENANT_ID);
        }
    }

    @Test
    void aNotificationKeyIsGivenOnlyToThatAppsOwnAppToken() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI keys = URI.create(server.baseUrl() + "/" + DevIdentities.TENANT_ID + "/switchboard/v1/notification-keys");
            HttpResponse<String> devBot = http.send(HttpRequest.newBuilder(keys).header("Authorization", "Bearer "
                    + dev.switchboard.testsupport.Tokens.devBotToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> p2pBot = http.send(HttpRequest.newBuilder(keys).header("Authorization", "Bearer "
                    + dev.switchboard.testsupport.Tokens.p2pBotToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(keys).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> user = http.send(HttpRequest.newBuilder(keys).header("Authorization", "Bearer "
                    + dev.switchboard.testsupport.Tokens.aliceToken(server.baseUrl())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(devBot.statusCode()).isEqualTo(200);
            assertThat(devBot.headers().firstValue("Cache-Control")).hasValue("no-store");
            com.nimbusds.jose.jwk.OctetSequenceKey devKey = (com.nimbusds.jose.jwk.OctetSequenceKey) JWKSet.parse(devBot.body()).getKeys().get(0);
            com.nimbusds.jose.jwk.OctetSequenceKey p2pKey = (com.nimbusds.jose.jwk.OctetSequenceKey) JWKSet.parse(p2pBot.body()).getKeys().get(0);
            dev.switchboard.notify.NotificationKey signing = server.server().callbackSigner()
                    .notificationKey(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID);
            assertThat(devKey.getKeyID()).isEqualTo(signing.kid());
            assertThat(devKey.toByteArray()).isEqualTo(signing.secret());
            assertThat(p2pKey.toByteArray()).as("each app its own key").isNotEqualTo(devKey.toByteArray());
            assertThat(p2pKey.getKeyID()).isNotEqualTo(devKey.getKeyID());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(user.statusCode()).as("a user's delegated token gets no app key").isEqualTo(403);
            assertThat(server.server().callbackSigner().notificationKey("another-tenant", DevIdentities.DEV_BOT_APP_ID).secret())
                    .as("and each tenant its own").isNotEqualTo(signing.secret());
        }
    }

    @Test
    void callbackTokenIsNotAGraphToken() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        SigningKeys keys = new SigningKeys(dir, clock, Duration.ofMinutes(61), null);
        IssuerUrls urls = new IssuerUrls(() -> "http://sb.test");
        TokenIssuer issuer = new TokenIssuer(keys, urls, clock, Duration.ofHours(1));
        CallbackTokens signer = new CallbackTokens(CallbackSigningKey.loadOrCreate(dir), clock, "https://callbacks.example",
                Duration.ofMinutes(2));
        String token = signer.issue(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).jwt();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo("https://callbacks.example");
        JWTClaimsSet c = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(120_000);
        TokenVerifier verifier = new TokenVerifier(java.util.List.of(new EmbeddedIssuer(DevIdentities.directory(), urls, keys)),
                clock, Duration.ofSeconds(60), 10);
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(dev.switchboard.error.SwitchboardException.class)
                .as("a callback token is never accepted as a Graph access token");
        assertThat(signer.notificationKey(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).secret())
                .as("the same key after a restart (derived from the kept callback key)")
                .isEqualTo(new CallbackTokens(CallbackSigningKey.loadOrCreate(dir), clock, "https://callbacks.example",
                        Duration.ofMinutes(2)).notificationKey(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).secret());
    }

    @Test
    void theCallbackKeySurvivesARestartAndACorruptFileStopsTheStart() throws Exception {
        CallbackSigningKey first = CallbackSigningKey.loadOrCreate(dir);
        CallbackSigningKey again = CallbackSigningKey.loadOrCreate(dir);
        assertThat(again.kid()).isEqualTo(first.kid());
        assertThat(again.publicJwk()).isEqualTo(first.publicJwk());
        java.nio.file.Files.writeString(dir.resolve(CallbackSigningKey.FILE_NAME), "{broken");
        assertThatThrownBy(() -> CallbackSigningKey.loadOrCreate(dir)).hasMessageContaining("not a valid key");
    }
}
