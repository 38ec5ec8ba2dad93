package dev.switchboard.notify;

import dev.switchboard.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.notify.Notifications.APP;
import static dev.switchboard.notify.Notifications.TENANT;
import static dev.switchboard.notify.Notifications.fast;
import static dev.switchboard.notify.Notifications.roster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CallbackCredentialsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger issued = new AtomicInteger();

    /** A signer that counts and names its tokens, valid 5 minutes from the fake clock's now. */
    private final CallbackTokenSigner counting = new CallbackTokenSigner() {
        @Override
        public CallbackToken issue(String tenantId, String botAppId) {
            Instant now = clock.instant();
            return new CallbackToken(tenantId + "/" + botAppId + "/" + issued.incrementAndGet(), now, now.plus(Duration.ofMinutes(5)));
        }

        @Override
        public NotificationKey notificationKey(String tenantId, String botAppId) {
            byte[] secret = new byte[32];
            secret[0] = (byte) (tenantId + botAppId).hashCode();
            return new NotificationKey(tenantId + "/" + botAppId, secret);
        }
    };

    @Test
    void aTokenIsReusedForTheSameBotAndRenewedHalfWayThroughItsLife() {
        CallbackCredentials credentials = new CallbackCredentials(counting, clock);
        String first = credentials.token(TENANT, APP);
        assertThat(credentials.token(TENANT, APP)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(149));
        assertThat(credentials.token(TENANT, APP)).as("still in its first half").isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        String second = credentials.token(TENANT, APP);
        assertThat(second).as("renewed 2.5 min before it expires").isNotEqualTo(first).endsWith("/2");
        assertThat(credentials.token(TENANT, APP)).isEqualTo(second);
        assertThat(issued).hasValue(2);
    }

    @Test
    void aTokenIsNeverReusedAcrossAppsOrTenants() {
        CallbackCredentials credentials = new CallbackCredentials(counting, clock);
        String a = credentials.token(TENANT, APP);
        String otherApp = credentials.token(TENANT, "other-app");
        String otherTenant = credentials.token("other-tenant", APP);
        assertThat(Set.of(a, otherApp, otherTenant)).hasSize(3);
        assertThat(otherApp).startsWith(TENANT + "/other-app/");
        assertThat(otherTenant).startsWith("other-tenant/" + APP + "/");
        assertThat(credentials.token(TENANT, APP)).isEqualTo(a);
    }

    @Test
    void expiredTokensAreForgottenBySweep() {
        CallbackCredentials credentials = new CallbackCredentials(counting, clock);
        String first = credentials.token(TENANT, APP);
        clock.advance(Duration.ofMinutes(6));
        credentials.sweep();
        assertThat(credentials.token(TENANT, APP)).isNotEqualTo(first);
    }

    @Test
    void theNotifierSendsOneTokenPerBotAndABodySignatureThatVerifies() throws Exception {
        RsaCallbackSigner signer = new RsaCallbackSigner();
        try (BotReceiver bot = new BotReceiver();
             WebhookNotifier notifier = new WebhookNotifier(fast().withMaxBatchSize(1), signer, new SimpleMeterRegistry())) {
            URI callback = bot.uri("/cb");
            for (int i = 1; i <= 5; i++) {
                notifier.enqueue(roster("call-" + (i % 2), callback, i));
            }
            OutboundNotification a = roster("call-x", callback, 9);
            notifier.enqueue(new OutboundNotification("call-x", TENANT, "other-app", callback, a.kind(), a.resourceUrl(),
                    false, a.commsNotification()));
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 6);
            List<BotReceiver.Received> posts = bot.accepted();
            assertThat(posts.stream().map(BotReceiver.Received::authorization).distinct())
                    .as("one token for APP's five POSTs, another for other-app's").hasSize(2);
            assertThat(signer.issued).hasValue(2);
            NotificationVerifier appVerifier = NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
                    NotificationVerifier.DEFAULT_ISSUERS, signer.notificationKeysFor(APP));
            NotificationVerifier otherVerifier = NotificationVerifier.forJwkSet(signer.publicJwks(), "other-app",
                    NotificationVerifier.DEFAULT_ISSUERS, signer.notificationKeysFor("other-app"));
            int verified = 0;
            for (BotReceiver.Received p : posts) {
                boolean other = p.item().path("resourceUrl").asText().contains("call-x");
                assertThat((other ? otherVerifier : appVerifier).verify(p::header, p.body())).isEqualTo(TENANT);
                verified++;
            }
            assertThat(verified).isEqualTo(6);
        }
    }
}
