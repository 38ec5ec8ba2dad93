package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The DTLS-SRTP server against a Bouncy Castle DTLS client over an in-memory datagram pair: keys agree, SRTP
 * flows both ways with them, and a client whose certificate is not the offer's fingerprint is refused and counted.
 */
class DtlsSrtpHandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate SERVER = DtlsCertificate.generate("switchboard", Duration.ofDays(30), RANDOM);
    private static final DtlsCertificate BROWSER = DtlsCertificate.generate("browser", Duration.ofDays(30), RANDOM);
    private static final DtlsCertificate IMPOSTOR = DtlsCertificate.generate("browser", Duration.ofDays(30), RANDOM);

    private final WebRtcCounters counters = new WebRtcCounters();
    private final AtomicReference<SrtpMasterKeys[]> serverKeys = new AtomicReference<>();
    private volatile DtlsSrtpHandshake server;

    @Test
    void handshakeAgreesOnGcmKeysAndSrtpFlowsBothWays() throws Exception {
        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, SERVER.fingerprint(), RANDOM,
                SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        DTLSTransport dtls = handshake(client, BROWSER.fingerprint());

        await().atMost(Duration.ofSeconds(5)).until(() -> serverKeys.get() != null);
        assertThat(client.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(serverKeys.get()[0]).as("server inbound = client outbound").isEqualTo(client.outboundKeys());
        assertThat(serverKeys.get()[1]).as("server outbound = client inbound").isEqualTo(client.inboundKeys());
        assertThat(counters.dtlsHandshakes()).isEqualTo(1);

        SrtpContext browserSend = SrtpContext.create(client.outboundKeys());
        SrtpContext serverReceive = SrtpContext.create(serverKeys.get()[0]);
        byte[] p = SrtpContextTest.protect(browserSend, 1);
        assertThat(serverReceive.unprotectRtp(p, p.length)).isEqualTo(52);
        dtls.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> closed);
        server.close();
    }

    @Test
    void aesCmIsChosenWhenTheClientOffersOnlyThat() throws Exception {
        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, SERVER.fingerprint(), RANDOM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        handshake(client, BROWSER.fingerprint());
        assertThat(client.profile()).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        await().atMost(Duration.ofSeconds(5)).until(() -> serverKeys.get() != null);
        assertThat(serverKeys.get()[0]).isEqualTo(client.outboundKeys());
        server.close();
    }

    @Test
    void aClientCertificateThatDoesNotMatchTheFingerprintFailsTheHandshake() {
        DtlsSrtpClient impostor = new DtlsSrtpClient(IMPOSTOR, SERVER.fingerprint(), RANDOM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertThatThrownBy(() -> handshake(impostor, BROWSER.fingerprint()))
                .isInstanceOfSatisfying(TlsFatalAlertReceived.class, e -> assertThat(e.getAlertDescription()).isEqualTo(AlertDescription.bad_certificate));
        await().atMost(Duration.ofSeconds(5)).until(() -> counters.dtlsFingerprintMismatch() == 1);
        assertThat(counters.dtlsFailed()).isEqualTo(1);
        assertThat(serverKeys.get()).isNull();
        server.close();
    }

    /**
     * A record of the never-assigned version {@code {254, 254}} (no DTLS 1.1 exists) from the browser's address: Bouncy
     * Castle's version parser throws on it and the connection ended with a fatal {@code internal_error}. Found by
     * {@code DtlsInjectionFuzzTest} (seed 11, 27,345 records): a changed byte of a real datagram's version.
     */
    @Test
    void aRecordOfTheReservedVersionFeFeIsMalformedAndTheConnectionLives() throws Exception {
        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, SERVER.fingerprint(), RANDOM, SrtpProfile.AEAD_AES_128_GCM);
        DTLSTransport dtls = handshake(client, BROWSER.fingerprint());
        await().atMost(Duration.ofSeconds(5)).until(() -> serverKeys.get() != null);
        byte[] record = new byte[13 + 24]; // application data, epoch 1, sequence number 100, a GCM-sized body
        record[0] = 23;
        record[1] = (byte) 0xFE;
        record[2] = (byte) 0xFE;
        record[4] = 1;
        record[10] = 100;
        record[12] = 24;
        for (int i = 13; i < record.length; i++) {
            record[i] = (byte) i;
        }

        assertThat(server.onDatagram(record, 0, record.length)).isEqualTo(DtlsSrtpHandshake.Intake.MALFORMED);
        record[2] = (byte) 0xFD; // the same record as DTLS 1.2: queued, and discarded by Bouncy Castle (it does not decrypt)
        assertThat(server.onDatagram(record, 0, record.length)).isEqualTo(DtlsSrtpHandshake.Intake.QUEUED);
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertThat(closed).as("the connection is open").isFalse();

        dtls.close(); // the browser's close_notify still ends it: it was reading all along
        await().atMost(Duration.ofSeconds(5)).until(() -> closed);
        server.close();
    }

    private volatile boolean closed;

    /** Wires client and server through two queues and runs the client's handshake on this thread. */
    private DTLSTransport handshake(DtlsSrtpClient client, DtlsFingerprint expectedClient) throws Exception {
        CompletableFuture<QueuedDatagramTransport> clientSide = new CompletableFuture<>();
        server = new DtlsSrtpHandshake(SERVER, expectedClient, new SrtpProfile[] {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80},
                5000, (b, o, l) -> clientSide.getNow(null).offer(b, o, l), RANDOM, new DtlsSrtpHandshake.Listener() {
                    @Override
                    public void onSrtpKeys(SrtpMasterKeys inbound, SrtpMasterKeys outbound) {
                        counters.dtlsHandshakes.increment();
                        serverKeys.set(new SrtpMasterKeys[] {inbound, outbound});
                    }

                    @Override
                    public void onHandshakeFailed(boolean fingerprintMismatch) {
                        counters.dtlsFailed.increment();
                        if (fingerprintMismatch) {
                            counters.dtlsFingerprintMismatch.increment();
                        }
                    }

                    @Override
                    public void onClosed() {
                        closed = true;
                    }
                }, "test");
        QueuedDatagramTransport toServer = new QueuedDatagramTransport(64, (b, o, l) -> server.onDatagram(b, o, l));
        clientSide.complete(toServer);
        return client.connect(toServer);
    }
}
