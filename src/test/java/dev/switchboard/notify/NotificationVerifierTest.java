package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import static dev.switchboard.notify.Notifications.APP;
import static dev.switchboard.notify.Notifications.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationVerifierTest {
    private static final byte[] BODY = "{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    private final RsaCallbackSigner signer = new RsaCallbackSigner();
    private final NotificationVerifier verifier = NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
            NotificationVerifier.DEFAULT_ISSUERS);

    private String bearer(RsaCallbackSigner s, String app, byte[] body) {
        return "Bearer " + s.sign(TENANT, app, Delivery.sha256(body));
    }

    @Test
    void aGenuineRequestYieldsItsTenant() throws Exception {
        assertThat(verifier.verify(bearer(signer, APP, BODY), BODY)).isEqualTo(TENANT);
    }

    @Test
    void aChangedBodyIsRejected() {
        byte[] other = "{\"value\":[{}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> verifier.verify(bearer(signer, APP, BODY), other))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("sha256");
    }

    @Test
    void aTokenForAnotherAppIsRejected() {
        assertThatThrownBy(() -> verifier.verify(bearer(signer, "another-app", BODY), BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("aud claim");
    }

    @Test
    void anExpiredTokenIsRejected() {
        RsaCallbackSigner expired = signer.withIssuerAndLifetime(RsaCallbackSigner.ISSUER, Duration.ofMinutes(-5));
        assertThatThrownBy(() -> verifier.verify(bearer(expired, APP, BODY), BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("xpired");
    }

    @Test
    void anUnacceptedIssuerIsRejectedAndACustomOneCanBeAccepted() throws Exception {
        RsaCallbackSigner graph = signer.withIssuerAndLifetime("https://graph.microsoft.com", Duration.ofMinutes(5));
        assertThatThrownBy(() -> verifier.verify(bearer(graph, APP, BODY), BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("issuer");
        NotificationVerifier both = NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
                Set.of("https://api.botframework.com", "https://graph.microsoft.com"));
        assertThat(both.verify(bearer(graph, APP, BODY), BODY)).isEqualTo(TENANT);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRejected() {
        RsaCallbackSigner stranger = new RsaCallbackSigner();
        assertThatThrownBy(() -> verifier.verify(bearer(stranger, APP, BODY), BODY))
                .isInstanceOf(NotificationVerificationException.class).hasMessageContaining("rejected");
    }

    @Test
    void aMissingOrMalformedHeaderIsRejected() {
        assertThatThrownBy(() -> verifier.verify(null, BODY)).isInstanceOf(NotificationVerificationException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> verifier.verify("Basic abc", BODY)).isInstanceOf(NotificationVerificationException.class);
        assertThatThrownBy(() -> verifier.verify("Bearer not.a.jwt", BODY)).isInstanceOf(NotificationVerificationException.class);
    }
}
