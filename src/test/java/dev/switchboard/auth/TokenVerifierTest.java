package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.switchboard.auth.DevIdentities.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {
    static final String BASE = "http://switchboard.test:8080";

    @TempDir
    Path dir;
    MutableClock clock;
    SigningKeys keys;
    TokenIssuer issuer;
    TokenVerifier verifier;
    IdentityDirectory directory = DevIdentities.directory();

    /** One key file for the class: RSA key generation is the slow part of these tests. */
    static String keyFile;

    @BeforeAll
    static void generateKeyOnce(@TempDir Path shared) throws Exception {
        new SigningKeys(shared, java.time.Clock.systemUTC(), Duration.ofMinutes(61), null);
        keyFile = java.nio.file.Files.readString(shared.resolve(SigningKeys.FILE_NAME));
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(java.time.Instant.now());
        java.nio.file.Files.writeString(dir.resolve(SigningKeys.FILE_NAME), keyFile);
        keys = new SigningKeys(dir, clock, Duration.ofMinutes(61), null);
        IssuerUrls urls = new IssuerUrls(() -> BASE);
        issuer = new TokenIssuer(keys, urls, clock, Duration.ofHours(1));
        verifier = new TokenVerifier(List.of(new EmbeddedIssuer(directory, urls, keys)), clock, Duration.ofSeconds(60), 1000);
    }

    AppRegistration devBot() {
        return directory.app(TENANT_ID, DEV_BOT_APP_ID).orElseThrow();
    }

    RSAKey activeKey() {
        return keys.active().key();
    }

    JWTClaimsSet.Builder claims() {
        return JwtForge.appClaims(BASE, TENANT_ID, DEV_BOT_APP_ID, clock.instant());
    }

    void rejects(String authorizationHeader, String messagePart) {
        assertThatThrownBy(() -> verifier.authenticate(authorizationHeader))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_AUTHENTICATION_TOKEN);
                    assertThat(e.getMessage()).containsIgnoringCase(messagePart);
                    if (authorizationHeader != null && authorizationHeader.length() > 20) {
                        assertThat(e.getMessage()).doesNotContain(authorizationHeader.substring(7));
                    }
                });
    }

    void rejectsToken(String token, String messagePart) {
        rejects("Bearer " + token, messagePart);
    }

    @Test
    void appTokenOfTheAuthorityGivesAnAppPrincipalWithItsRoles() {
        Principal p = verifier.authenticate("Bearer " + issuer.appToken(devBot()).accessToken());
        assertThat(p.appOnly()).isTrue();
        assertThat(p.tenantId()).isEqualTo(TENANT_ID);
        assertThat(p.appId()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(p.userId()).isNull();
        assertThat(p.displayName()).isEqualTo("Dev Bot");
        assertThat(p.roles()).containsExactlyInAnyOrder(CallsPermission.INITIATE, CallsPermission.INITIATE_GROUP_CALL,
                CallsPermission.JOIN_GROUP_CALL, CallsPermission.JOIN_GROUP_CALL_AS_GUEST, CallsPermission.ACCESS_MEDIA);
        assertThat(p.scopes()).isEmpty();
    }

    @Test
    void userTokenGivesADelegatedPrincipal() {
        UserAccount alice = directory.user(TENANT_ID, ALICE_USERNAME).orElseThrow();
        Principal p = verifier.authenticate("Bearer " + issuer.userToken(devBot(), alice, Set.of("User.Read")).accessToken());
        assertThat(p.appOnly()).isFalse();
        assertThat(p.userId()).isEqualTo(ALICE_ID);
        assertThat(p.appId()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(p.displayName()).isEqualTo("Alice");
        assertThat(p.scopes()).containsExactly("User.Read");
        assertThat(p.roles()).isEmpty();
    }

    @Test
    void schemeIsCaseInsensitiveAndSurroundingSpaceIsIgnored() {
        String token = issuer.appToken(devBot()).accessToken();
        assertThat(verifier.authenticate("bearer   " + token + " ").appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void missingHeaderIsRejected() {
        rejects(null, "no Authorization header");
        rejects("", "no Authorization header");
        rejects("   ", "no Authorization header");
    }

    @Test
    void wrongSchemeIsRejected() {
        String token = issuer.appToken(devBot()).accessToken();
        rejects("Basic " + token, "Bearer scheme");
        rejects("Token " + token, "Bearer scheme");
        rejects(token, "Bearer scheme");
    }

    @Test
    void bearerWithoutTokenIsRejected() {
        rejects("Bearer", "empty");
        rejects("Bearer    ", "empty");
    }

    @Test
    void garbageIsMalformed() {
        rejectsToken("garbage", "malformed");
        rejectsToken("a.b.c", "malformed");
        rejectsToken("..", "malformed");
        rejectsToken("a.b.c.d", "malformed");
        rejectsToken("e30.e30", "malformed");
        rejectsToken("W10.e30.AAAA", "malformed");          // header is a JSON array
        rejectsToken("bm90IGpzb24.e30.AAAA", "malformed");  // header is not JSON
        rejectsToken("%%%.%%%.%%%", "malformed");
        String valid = issuer.appToken(devBot()).accessToken();
        rejectsToken(valid.substring(0, valid.lastIndexOf('.')) + ".!!notbase64!!", "malformed");
        rejectsToken("x".repeat(20_000), "malformed");
    }

    @Test
    void expiredTokenIsRejected() {
        String token = issuer.appToken(devBot()).accessToken();
        clock.advance(Duration.ofHours(1).plusSeconds(61));
        rejectsToken(token, "expired");
    }

    @Test
    void expiryWithinTheClockSkewIsTolerated() {
        String token = issuer.appToken(devBot()).accessToken();
        clock.advance(Duration.ofHours(1).plusSeconds(59));
        assertThat(verifier.verify(token).appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void notYetValidTokenIsRejected() throws Exception {
        String token = JwtForge.rs256(activeKey(), keys.active().kid(),
                claims().notBeforeTime(java.util.Date.from(clock.instant().plusSeconds(600))).build());
        rejectsToken(token, "not yet valid");
        String withinSkew = JwtForge.rs256(activeKey(), keys.active().kid(),
                claims().notBeforeTime(java.util.Date.from(clock.instant().plusSeconds(30))).build());
        assertThat(verifier.verify(withinSkew).appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void farFutureNotBeforeDoesNotOverflowIntoThePast() throws Exception {
        String payload = JwtForge.payloadJson(issuer.appToken(devBot()).accessToken())
                .replaceFirst("\"nbf\":\\d+", "\"nbf\":9300000000000000");
        assertThat(payload).contains("\"nbf\":9300000000000000");
        rejectsToken(JwtForge.rs256Raw(activeKey(), keys.active().kid(), payload), "not yet valid");
    }

    @Test
    void tokenWithoutExpiryIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().expirationTime(null).build()), "no expiry");
    }

    @Test
    void wrongAudienceIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("aud", "api://some-other-api").build()), "audience");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("aud", null).build()), "audience");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("aud", "https://graph.microsoft.com/").build()), "audience");
    }

    @Test
    void bothFormsOfGraphsAudienceAreAccepted() throws Exception {
        String appIdForm = JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("aud", GraphAudience.APP_ID).build());
        assertThat(verifier.verify(appIdForm).appId()).isEqualTo(DEV_BOT_APP_ID);
        String list = JwtForge.rs256(activeKey(), keys.active().kid(), claims().audience(List.of("x", GraphAudience.URI)).build());
        assertThat(verifier.verify(list).appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void untrustedIssuerIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().issuer("https://evil.example/" + TENANT_ID + "/v2.0").build()), "issuer");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().issuer(BASE + "/99999999-0000-4000-8000-000000000009/v2.0")
                .claim("tid", "99999999-0000-4000-8000-000000000009").build()), "issuer");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().issuer(null).build()), "issuer");
    }

    @Test
    void tenantNotMatchingTheIssuerIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("tid", OTHER_TENANT_ID).build()), "tenant");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("tid", null).build()), "tenant");
    }

    @Test
    void unknownKidIsRejected() throws Exception {
        RSAKey stranger = JwtForge.freshKey("unknown-kid");
        rejectsToken(JwtForge.rs256(stranger, "unknown-kid", claims().build()), "signing key");
    }

    @Test
    void signatureByAnotherKeyUnderOurKidIsRejected() throws Exception {
        RSAKey stranger = JwtForge.freshKey(keys.active().kid());
        rejectsToken(JwtForge.rs256(stranger, keys.active().kid(), claims().build()), "signature");
    }

    @Test
    void tamperedPayloadIsRejected() throws Exception {
        String token = issuer.appToken(directory.app(TENANT_ID, P2P_BOT_APP_ID).orElseThrow()).accessToken();
        String payload = JwtForge.payloadJson(token);
        assertThat(payload).contains("\"roles\":[\"Calls.Initiate.All\"]");
        String elevated = payload.replace("\"roles\":[\"Calls.Initiate.All\"]",
                "\"roles\":[\"Calls.Initiate.All\",\"Calls.AccessMedia.All\"]");
        rejectsToken(JwtForge.withPayload(token, elevated), "signature");
        assertThat(verifier.verify(token).roles()).containsExactly(CallsPermission.INITIATE);
        // the cached original must not make a tampered copy pass either
        rejectsToken(JwtForge.withPayload(token, elevated), "signature");
    }

    @Test
    void truncatedSignatureIsRejected() {
        String token = issuer.appToken(devBot()).accessToken();
        rejectsToken(token.substring(0, token.length() - 4), "signature");
        rejectsToken(token.substring(0, token.lastIndexOf('.') + 1), "signature");
    }

    @Test
    void algNoneIsRejected() {
        rejectsToken(JwtForge.unsigned(keys.active().kid(), claims().build()), "alg none");
        rejectsToken(JwtForge.nimbusPlain(claims().build()), "alg none");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejected() throws Exception {
        String token = JwtForge.hs256WithPublicKey(activeKey().toPublicJWK(), claims().build());
        assertThat(JwtForge.headerJson(token)).contains("HS256");
        rejectsToken(token, "RS256");
    }

    @Test
    void otherRsaAlgorithmsAreRejected() throws Exception {
        rejectsToken(JwtForge.withAlg(activeKey(), JWSAlgorithm.RS512, claims().build()), "RS256");
        rejectsToken(JwtForge.withAlg(activeKey(), JWSAlgorithm.PS256, claims().build()), "RS256");
    }

    @Test
    void criticalHeaderExtensionsAreRejected() throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(keys.active().kid()).criticalParams(Set.of("exp")).build(), claims().build());
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(activeKey()));
        rejectsToken(jwt.serialize(), "crit");
    }

    @Test
    void tokenWithoutClientAppIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("appid", null).claim("azp", null).build()), "appid");
    }

    @Test
    void userTokenWithoutOidOrWithRolesIsRejected() throws Exception {
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("idtyp", "user").claim("oid", null)
                .claim("roles", null).claim("scp", "User.Read").build()), "oid");
        rejectsToken(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("idtyp", "user").claim("scp", "User.Read").build()), "roles");
    }

    @Test
    void withoutIdtypTheScpClaimDecidesDelegated() throws Exception {
        Principal app = verifier.verify(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("idtyp", null).build()));
        assertThat(app.appOnly()).isTrue();
        Principal user = verifier.verify(JwtForge.rs256(activeKey(), keys.active().kid(), claims().claim("idtyp", null)
                .claim("roles", null).claim("scp", "User.Read Calls.JoinGroupCall").claim("oid", ALICE_ID).build()));
        assertThat(user.appOnly()).isFalse();
        assertThat(user.scopes()).containsExactlyInAnyOrder("User.Read", "Calls.JoinGroupCall");
    }

    @Test
    void rememberedTokenStillExpires() {
        String token = issuer.appToken(devBot()).accessToken();
        assertThat(verifier.verify(token).appId()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(verifier.verify(token).appId()).isEqualTo(DEV_BOT_APP_ID);
        clock.advance(Duration.ofHours(2));
        rejectsToken(token, "expired");
    }

    @Test
    void withoutTheCacheVerificationIsTheSame() {
        TokenVerifier uncached = new TokenVerifier(List.of(new EmbeddedIssuer(directory, new IssuerUrls(() -> BASE), keys)),
                clock, Duration.ofSeconds(60), 0);
        String token = issuer.appToken(devBot()).accessToken();
        assertThat(uncached.verify(token).appId()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(uncached.verify(token).appId()).isEqualTo(DEV_BOT_APP_ID);
    }

    @Test
    void tokenOfAnotherServerBaseIsNotTrusted() {
        TokenIssuer elsewhere = new TokenIssuer(keys, new IssuerUrls(() -> "http://other-host:9999"), clock, Duration.ofHours(1));
        rejectsToken(elsewhere.appToken(devBot()).accessToken(), "issuer");
    }

    /** The header of a verified token is parsed once and remembered: that must let no forged token through. */
    @Test
    void aRememberedHeaderLetsNoForgedPayloadOrSignatureThrough() throws Exception {
        TokenVerifier fresh = new TokenVerifier(List.of(new EmbeddedIssuer(directory, new IssuerUrls(() -> BASE), keys)),
                clock, Duration.ofSeconds(60), 0); // nothing remembered by token: every use is a full verification
        String good = issuer.appToken(devBot()).accessToken();
        assertThat(fresh.verify(good).appId()).isEqualTo(DEV_BOT_APP_ID);
        String[] parts = good.split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                JwtForge.payloadJson(good).replace(DEV_BOT_APP_ID, "00000000-0000-4000-8000-0000000000ff")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String forged : List.of(parts[0] + "." + otherPayload + "." + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11))) {
            assertThatThrownBy(() -> fresh.verify(forged)).isInstanceOfSatisfying(SwitchboardException.class,
                    e -> assertThat(e.getMessage()).contains("signature is invalid"));
        }
        assertThat(fresh.verify(good).appId()).as("the real token still verifies").isEqualTo(DEV_BOT_APP_ID);
    }
}
