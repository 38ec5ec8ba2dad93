package dev.switchboard.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityConfigTest {
    static final String FULL = """
            {
              "tenants": [
                { "id": "11111111-1111-4111-8111-111111111111", "displayName": "Contoso",
                  "apps": [
                    { "appId": "22222222-2222-4222-8222-222222222222", "displayName": "Contoso Bot",
                      "secretHash": "%s",
                      "roles": ["Calls.Initiate.All", "Calls.AccessMedia.All"],
                      "delegatedScopes": ["User.Read"] },
                    { "appId": "33333333-3333-4333-8333-333333333333", "secret": "plain-secret" }
                  ],
                  "users": [
                    { "id": "44444444-4444-4444-8444-444444444444", "username": "dana@contoso.test", "displayName": "Dana",
                      "passwordHash": "%s" }
                  ] }
              ],
              "trustedIssuers": [
                { "openIdConfiguration": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
                  "minRefreshSeconds": 60 },
                { "issuer": "https://sts.windows.net/{tenantid}/", "jwksUri": "https://login.microsoftonline.com/common/discovery/v2.0/keys" }
              ],
              "tokens": { "accessTokenLifetimeSeconds": 1800, "clockSkewSeconds": 30, "signingKeyMaxAgeDays": 7,
                          "callbackIssuer": "https://switchboard.contoso.test", "callbackTokenLifetimeSeconds": 120,
                          "verifiedTokenCache": 500 },
              "media": { "somebodyElsesSection": true }
            }
            """;

    static String full() {
        return FULL.formatted(SecretHash.pbkdf2("app-secret", 1_000), SecretHash.pbkdf2("dana-pw", 1_000));
    }

    @Test
    void fullFileIsRead() {
        IdentityConfig c = IdentityConfig.parse(full());
        IdentityDirectory d = c.directory();
        assertThat(d.tenants()).hasSize(1);
        assertThat(d.hasTenant(DevIdentities.TENANT_ID)).isFalse();
        AppRegistration bot = d.app("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222").orElseThrow();
        assertThat(bot.displayName()).isEqualTo("Contoso Bot");
        assertThat(bot.secret().isHashed()).isTrue();
        assertThat(bot.secret().matches("app-secret")).isTrue();
        assertThat(bot.roles()).containsExactlyInAnyOrder("Calls.Initiate.All", "Calls.AccessMedia.All");
        assertThat(bot.delegatedScopes()).containsExactly("User.Read");
        AppRegistration plain = d.app("11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333").orElseThrow();
        assertThat(plain.secret().matches("plain-secret")).isTrue();
        assertThat(plain.roles()).isEmpty();
        assertThat(plain.displayName()).isEqualTo("33333333-3333-4333-8333-333333333333");
        UserAccount dana = d.user("11111111-1111-4111-8111-111111111111", "DANA@contoso.test").orElseThrow();
        assertThat(dana.password().matches("dana-pw")).isTrue();
        assertThat(c.externalIssuers()).hasSize(2);
        assertThat(c.externalIssuers().get(0).minRefreshInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.externalIssuers().get(1).issuer()).isEqualTo("https://sts.windows.net/{tenantid}/");
        assertThat(c.externalIssuers().get(1).minRefreshInterval()).isEqualTo(ExternalIssuerConfig.DEFAULT_MIN_REFRESH);
        assertThat(c.tokens().accessTokenLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.tokens().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.tokens().signingKeyMaxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(c.tokens().callbackIssuer()).isEqualTo("https://switchboard.contoso.test");
        assertThat(c.tokens().callbackTokenLifetime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.tokens().verifiedTokenCache()).isEqualTo(500);
    }

    @Test
    void emptyObjectMeansNoIdentitiesAndDefaults() {
        IdentityConfig c = IdentityConfig.parse("{}");
        assertThat(c.directory().tenants()).isEmpty();
        assertThat(c.externalIssuers()).isEmpty();
        assertThat(c.tokens()).isEqualTo(TokenSettings.defaults());
    }

    @Test
    void developmentDefaultIsTheDevIdentities() {
        IdentityConfig c = IdentityConfig.development();
        assertThat(c.directory().tenants()).extracting(TenantEntry::id)
                .containsExactly(DevIdentities.TENANT_ID, DevIdentities.OTHER_TENANT_ID);
        assertThat(c.directory().app(DevIdentities.TENANT_ID, DevIdentities.P2P_BOT_APP_ID).orElseThrow().roles())
                .containsExactly(CallsPermission.INITIATE);
        assertThat(c.directory().app(DevIdentities.OTHER_TENANT_ID, DevIdentities.OTHER_TENANT_BOT_APP_ID).orElseThrow().roles()).hasSize(5);
        assertThat(c.directory().user(DevIdentities.TENANT_ID, DevIdentities.CAROL_USERNAME).orElseThrow().userId())
                .isEqualTo(DevIdentities.CAROL_ID);
    }

    static void refused(String json, String messagePart) {
        assertThatThrownBy(() -> IdentityConfig.parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
    }

    @Test
    void mistakesAreReportedByName() {
        refused("not json", "not valid JSON");
        refused("[]", "JSON object");
        refused("{\"tenants\":{}}", "must be a list");
        refused("{\"tenants\":[{\"displayName\":\"x\"}]}", "'id'");
        refused("{\"tenants\":[{\"id\":\"t/1\"}]}", "may hold only");
        refused("{\"tenants\":[{\"id\":\"t1\",\"aps\":[]}]}", "unknown key 'aps'");
        refused("{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\"}]}]}", "exactly one of secret and secretHash");
        refused("{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\",\"secret\":\"x\",\"secretHash\":\"y\"}]}]}", "exactly one");
        refused("{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\",\"secretHash\":\"md5$abc\"}]}]}", "pbkdf2-sha256$");
        refused("{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\",\"secret\":\"x\",\"roles\":\"Calls.Initiate.All\"}]}]}", "must be a list");
        refused("{\"tenants\":[{\"id\":\"t1\",\"apps\":[{\"appId\":\"a1\",\"secret\":\"x\"},{\"appId\":\"a1\",\"secret\":\"y\"}]}]}", "duplicate app");
        refused("{\"tenants\":[{\"id\":\"t1\"},{\"id\":\"t1\"}]}", "duplicate tenant");
        refused("{\"tenants\":[{\"id\":\"t1\",\"users\":[{\"id\":\"u1\",\"username\":\"A@x\",\"password\":\"p\"},"
                + "{\"id\":\"u2\",\"username\":\"a@x\",\"password\":\"p\"}]}]}", "duplicate user");
        refused("{\"trustedIssuers\":[{\"issuer\":\"https://x/\"}]}", "openIdConfiguration or jwksUri");
        refused("{\"trustedIssuers\":[{\"jwksUri\":\"https://x/keys\"}]}", "needs its issuer");
        refused("{\"trustedIssuers\":[{\"openIdConfiguration\":\"ftp://x/\"}]}", "http(s) URL");
        refused("{\"tokens\":{\"clockSkewSeconds\":-1}}", "whole number");
        refused("{\"tokens\":{\"accessTokenLifetimeSeconds\":0}}", "positive");
        refused("{\"tokens\":{\"lifetime\":10}}", "unknown key 'lifetime'");
    }
}
