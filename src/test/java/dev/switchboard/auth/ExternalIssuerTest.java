package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokens of an outside issuer with its own key set, served over HTTP on loopback, next to the embedded authority. */
class ExternalIssuerTest {
    static final String EXT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String EXT_APP = "11111111-2222-4333-8444-555555555555";
    static final String BASE = "http://switchboard.test";
    static RSAKey k1;
    static RSAKey k2;

    @TempDir
    Path dir;
    MutableClock clock;
    IssuerStub stub;
    HttpClient http;
    SigningKeys embeddedKeys;

    @BeforeAll
    static void keys() throws Exception {
        k1 = JwtForge.freshKey("ext-key-1");
        k2 = JwtForge.freshKey("ext-key-2");
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(java.time.Instant.now());
        stub = new IssuerStub(List.of(k1), "{base}/{tenantid}/v2.0");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        embeddedKeys = new SigningKeys(dir, clock, Duration.ofMinutes(61), null);
    }

    @AfterEach
    void tearDown() {
        stub.close();
        http.close();
    }

    TokenVerifier verifier(ExternalIssuerConfig config) {
        return new TokenVerifier(List.of(
                new EmbeddedIssuer(DevIdentities.directory(), new IssuerUrls(() -> BASE), embeddedKeys),
                new ExternalIssuer(config, http, clock)), clock, Duration.ofSeconds(60), 100);
    }

    ExternalIssuerConfig byMetadata(Duration minRefresh) {
        return new ExternalIssuerConfig(null, stub.openIdConfiguration(), null, null, minRefresh, null);
    }

    JWTClaimsSet.Builder extClaims(String tenant) {
        return new JWTClaimsSet.Builder()
                .issuer(stub.base() + "/" + tenant + "/v2.0")
                .claim("aud", GraphAudience.APP_ID)
                .claim("tid", tenant)
                .claim("appid", EXT_APP)
                .claim("app_displayname", "Contoso Bot")
                .claim("idtyp", "app")
                .claim("roles", List.of(CallsPermission.INITIATE))
                .issueTime(Date.from(clock.instant()))
                .notBeforeTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plusSeconds(3600)));
    }

    @Test
    void tokenOfTheExternalIssuerVerifiesWithKeysFromItsMetadata() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        Principal p = verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).build()));
        assertThat(p.appOnly()).isTrue();
        assertThat(p.tenantId()).isEqualTo(EXT_TENANT);
        assertThat(p.appId()).isEqualTo(EXT_APP);
        assertThat(p.displayName()).isEqualTo("Contoso Bot");
        assertThat(p.roles()).containsExactly(CallsPermission.INITIATE);
        assertThat(stub.metadataHits.get()).isEqualTo(1);
        assertThat(stub.jwksHits.get()).isEqualTo(1);
        // keys are cached
        verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims("aaaaaaaa-0000-4000-8000-000000000001").build()));
        assertThat(stub.jwksHits.get()).isEqualTo(1);
    }

    @Test
    void embeddedTokensStillVerifyNextToTheExternalIssuer() {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        TokenIssuer issuer = new TokenIssuer(embeddedKeys, new IssuerUrls(() -> BASE), clock, Duration.ofHours(1));
        String token = issuer.appToken(DevIdentities.directory().app(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).orElseThrow()).accessToken();
        assertThat(verifier.verify(token).tenantId()).isEqualTo(DevIdentities.TENANT_ID);
    }

    @Test
    void unknownKidRefreshesTheKeysOnceTheyRotated() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofSeconds(30)));
        verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).build()));
        stub.published = List.of(k2, k1);
        clock.advance(Duration.ofSeconds(31));
        Principal p = verifier.verify(JwtForge.rs256(k2, "ext-key-2", extClaims(EXT_TENANT).build()));
        assertThat(p.appId()).isEqualTo(EXT_APP);
        assertThat(stub.jwksHits.get()).isEqualTo(2);
    }

    @Test
    void refreshOnUnknownKidIsRateLimited() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).build()));
        RSAKey stranger = JwtForge.freshKey("never-published");
        for (int i = 0; i < 20; i++) {
            String token = JwtForge.rs256(stranger, "never-published-" + i, extClaims(EXT_TENANT).build());
            assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(SwitchboardException.class).hasMessageContaining("signing key");
        }
        assertThat(stub.jwksHits.get()).isEqualTo(1);
        // a rotation inside the window is seen once the window has passed
        stub.published = List.of(k2);
        String rotated = JwtForge.rs256(k2, "ext-key-2", extClaims(EXT_TENANT).build());
        assertThatThrownBy(() -> verifier.verify(rotated)).isInstanceOf(SwitchboardException.class);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(verifier.verify(rotated).appId()).isEqualTo(EXT_APP);
        assertThat(stub.jwksHits.get()).isEqualTo(2);
    }

    @Test
    void keysOlderThanTheirMaximumAgeAreDownloadedAgainAndRevokedKeysStopVerifying() throws Exception {
        TokenVerifier verifier = verifier(new ExternalIssuerConfig(null, stub.openIdConfiguration(), null, null,
                Duration.ofMinutes(5), Duration.ofHours(24)));
        String token = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).expirationTime(Date.from(clock.instant().plus(Duration.ofDays(2)))).build());
        assertThat(verifier.verify(token).appId()).isEqualTo(EXT_APP);
        stub.published = List.of(k2);   // the issuer withdraws k1
        clock.advance(Duration.ofHours(23));
        assertThat(verifier.verify(token).appId()).isEqualTo(EXT_APP);
        assertThat(stub.jwksHits.get()).isEqualTo(1);
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> verifier.verify(token)).hasMessageContaining("signing key");
        assertThat(stub.jwksHits.get()).isEqualTo(2);
    }

    @Test
    void keySetsAreNotInterchangeableBetweenIssuers() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        // the external issuer's claims signed with the embedded authority's key and kid
        String crossSigned = JwtForge.rs256(embeddedKeys.active().key(), embeddedKeys.active().kid(), extClaims(EXT_TENANT).build());
        assertThatThrownBy(() -> verifier.verify(crossSigned)).hasMessageContaining("signing key");
        // the embedded authority's claims signed with the external key
        String other = JwtForge.rs256(k1, "ext-key-1", JwtForge.appClaims(BASE, DevIdentities.TENANT_ID,
                DevIdentities.DEV_BOT_APP_ID, clock.instant()).build());
        assertThatThrownBy(() -> verifier.verify(other)).hasMessageContaining("signing key");
    }

    @Test
    void tenantMustMatchTheIssuerTemplate() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        String mismatch = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).claim("tid", "bbbbbbbb-0000-4000-8000-000000000002").build());
        assertThatThrownBy(() -> verifier.verify(mismatch)).hasMessageContaining("tenant");
        String foreign = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).issuer("https://login.example.org/" + EXT_TENANT + "/v2.0").build());
        assertThatThrownBy(() -> verifier.verify(foreign)).hasMessageContaining("issuer");
    }

    @Test
    void fixedIssuerWithAConfiguredTenant() throws Exception {
        String iss = "https://sts.windows.net/" + EXT_TENANT + "/";
        TokenVerifier verifier = verifier(new ExternalIssuerConfig(iss, null, stub.jwks(), EXT_TENANT, null, null));
        assertThat(verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).issuer(iss).build())).tenantId())
                .isEqualTo(EXT_TENANT);
        String otherTid = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).issuer(iss).claim("tid", "cccccccc-0000-4000-8000-000000000003").build());
        assertThatThrownBy(() -> verifier.verify(otherTid)).hasMessageContaining("tenant");
    }

    @Test
    void fixedIssuerWithoutConfiguredTenantTakesItFromTheIssuerPath() throws Exception {
        String iss = "https://sts.windows.net/" + EXT_TENANT + "/";
        TokenVerifier verifier = verifier(new ExternalIssuerConfig(iss, null, stub.jwks(), null, null, null));
        assertThat(verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).issuer(iss).build())).tenantId())
                .isEqualTo(EXT_TENANT);
        String otherTid = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).issuer(iss).claim("tid", "cccccccc-0000-4000-8000-000000000003").build());
        assertThatThrownBy(() -> verifier.verify(otherTid)).hasMessageContaining("tenant");
    }

    @Test
    void unreachableKeysGiveAnInvalidTokenNotACrash() throws Exception {
        stub.jwksStatus = 500;
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        String token = JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).build());
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(SwitchboardException.class).hasMessageContaining("signing key");
        stub.jwksStatus = 200;
        clock.advance(Duration.ofMinutes(6));
        assertThat(verifier.verify(token).appId()).isEqualTo(EXT_APP);
    }

    @Test
    void externalTokensGetTheSameStrictChecks() throws Exception {
        TokenVerifier verifier = verifier(byMetadata(Duration.ofMinutes(5)));
        assertThatThrownBy(() -> verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT).claim("aud", "api://mine").build())))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> verifier.verify(JwtForge.rs256(k1, "ext-key-1", extClaims(EXT_TENANT)
                .expirationTime(Date.from(clock.instant().minusSeconds(600))).build()))).hasMessageContaining("expired");
        assertThatThrownBy(() -> verifier.verify(JwtForge.hs256WithPublicKey(k1.toPublicJWK(), extClaims(EXT_TENANT).build())))
                .hasMessageContaining("RS256");
    }
}
