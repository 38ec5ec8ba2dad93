package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.switchboard.notify.Notifications.APP;
import static dev.switchboard.notify.Notifications.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationVerifierTest {
    private static final byte[] BODY = "{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    private final RsaCallbackSigner signer = new RsaCallbackSigner();
    private final NotificationVerifier verifier = NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
            NotificationVerifier.DEFAULT_ISSUERS, signer.notificationKeysFor(APP));

    /** The headers the notifier would send: a token for {@code app} and the body signed with that app's key. */
    private static Map<String, String> request(RsaCallbackSigner s, String app, String id, long sequence, byte[] body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("Authorization", "Bearer " + s.issue(TENANT, app).jwt());
        h.put(WebhookNotifier.NOTIFICATION_ID_HEADER, id);
        h.put(WebhookNotifier.SEQUENCE_HEADER, Long.toString(sequence));
        h.put(NotificationSignature.HEADER, NotificationSignature.header(s.notificationKey(TENANT, app), id, sequence, body));
        return h;
    }

    private Map<String, String> genuine() {
        return request(signer, APP, "n-1", 1, BODY);
    }

    @Test
    void aGenuineRequestYieldsItsTenant() throws Exception {
        assertThat(verifier.verify(genuine()::get, BODY)).isEqualTo(TENANT);
    }

    @Test
    void aTamperedBodyIsRejected() {
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 3] ^= 1;
        assertThatThrownBy(() -> verifier.verify(genuine()::get, tampered))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("does not match its signature");
        byte[] longer = (new String(BODY, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> verifier.verify(genuine()::get, longer)).isInstanceOf(NotificationVerificationException.class);
    }

    @Test
    void aChangedNotificationIdOrSequenceIsRejected() {
        Map<String, String> otherId = genuine();
        otherId.put(WebhookNotifier.NOTIFICATION_ID_HEADER, "n-2");
        assertThatThrownBy(() -> verifier.verify(otherId::get, BODY)).isInstanceOf(NotificationVerificationException.class);
        Map<String, String> otherSequence = genuine();
        otherSequence.put(WebhookNotifier.SEQUENCE_HEADER, "2");
        assertThatThrownBy(() -> verifier.verify(otherSequence::get, BODY)).isInstanceOf(NotificationVerificationException.class);
    }

    @Test
    void aMissingOrForgedBodySignatureIsRejectedEvenWithAGenuineToken() {
        Map<String, String> unsigned = genuine();
        unsigned.remove(NotificationSignature.HEADER);
        assertThatThrownBy(() -> verifier.verify(unsigned::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("X-Switchboard-Signature");
        Map<String, String> forged = genuine();
        forged.put(NotificationSignature.HEADER, NotificationSignature.header(
                new NotificationKey(signer.notificationKey(TENANT, APP).kid(), new byte[32]), "n-1", 1, BODY));
        assertThatThrownBy(() -> verifier.verify(forged::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("does not match");
    }

    @Test
    void aBodySignedWithAnotherAppsKeyIsRejected() {
        Map<String, String> h = genuine();
        h.put(NotificationSignature.HEADER, NotificationSignature.header(signer.notificationKey(TENANT, "another-app"), "n-1", 1, BODY));
        assertThatThrownBy(() -> verifier.verify(h::get, BODY)).isInstanceOf(NotificationVerificationException.class);
    }

    @Test
    void aReusedTokenVerifiesEveryBodyItComesWith() throws Exception {
        String token = signer.issue(TENANT, APP).jwt();
        for (int i = 1; i <= 3; i++) {
            byte[] body = ("{\"value\":[" + i + "]}").getBytes(StandardCharsets.UTF_8);
            Map<String, String> h = request(signer, APP, "n-" + i, i, body);
            h.put("Authorization", "Bearer " + token);
            assertThat(verifier.verify(h::get, body)).isEqualTo(TENANT);
            byte[] tampered = body.clone();
            tampered[body.length - 3] ^= 1;
            assertThatThrownBy(() -> verifier.verify(h::get, tampered)).isInstanceOf(NotificationVerificationException.class);
        }
    }

    @Test
    void aTokenForAnotherAppIsRejected() {
        assertThatThrownBy(() -> verifier.verify(request(signer, "another-app", "n-1", 1, BODY)::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("aud claim");
    }

    @Test
    void anExpiredTokenIsRejected() {
        RsaCallbackSigner expired = signer.withIssuerAndLifetime(RsaCallbackSigner.ISSUER, Duration.ofMinutes(-5));
        Map<String, String> h = genuine();
        h.put("Authorization", "Bearer " + expired.issue(TENANT, APP).jwt());
        assertThatThrownBy(() -> verifier.verify(h::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("xpired");
    }

    @Test
    void anUnacceptedIssuerIsRejectedAndACustomOneCanBeAccepted() throws Exception {
        RsaCallbackSigner graph = signer.withIssuerAndLifetime("https://graph.microsoft.com", Duration.ofMinutes(5));
        Map<String, String> h = genuine();
        h.put("Authorization", "Bearer " + graph.issue(TENANT, APP).jwt());
        assertThatThrownBy(() -> verifier.verify(h::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("issuer");
        NotificationVerifier both = NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
                Set.of("https://api.botframework.com", "https://graph.microsoft.com"), signer.notificationKeysFor(APP));
        assertThat(both.verify(h::get, BODY)).isEqualTo(TENANT);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRejected() {
        RsaCallbackSigner stranger = new RsaCallbackSigner();
        Map<String, String> h = genuine();
        h.put("Authorization", "Bearer " + stranger.issue(TENANT, APP).jwt());
        assertThatThrownBy(() -> verifier.verify(h::get, BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("rejected");
    }

    @Test
    void aMissingOrMalformedHeaderIsRejected() {
        Map<String, String> h = genuine();
        h.remove("Authorization");
        assertThatThrownBy(() -> verifier.verify(h::get, BODY)).isInstanceOf(NotificationVerificationException.class)
                .hasMessageContaining("missing");
        h.put("Authorization", "Basic abc");
        assertThatThrownBy(() -> verifier.verify(h::get, BODY)).isInstanceOf(NotificationVerificationException.class);
        h.put("Authorization", "Bearer not.a.jwt");
        assertThatThrownBy(() -> verifier.verify(h::get, BODY)).isInstanceOf(NotificationVerificationException.class);
    }
}
