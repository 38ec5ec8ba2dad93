package dev.switchboard.bench;

import dev.switchboard.media.webrtc.ConsentPolicy;
import dev.switchboard.media.webrtc.DtlsCertificate;
import dev.switchboard.media.webrtc.DtlsSrtpClient;
import dev.switchboard.media.webrtc.DtlsSrtpHandshake;
import dev.switchboard.media.webrtc.IceLiteResponder;
import dev.switchboard.media.webrtc.QueuedDatagramTransport;
import dev.switchboard.media.webrtc.SrtpContext;
import dev.switchboard.media.webrtc.SrtpMasterKeys;
import dev.switchboard.media.webrtc.SrtpProfile;
import dev.switchboard.media.webrtc.StunMessage;
import dev.switchboard.media.webrtc.StunWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The WebRTC per-packet and per-leg costs: SRTP protect, and protect + unprotect, of a 20 ms Opus packet (12-byte
 * header, 120-byte payload) for both profiles; answering one STUN connectivity check; one DTLS-SRTP handshake
 * (server and Bouncy Castle client, in memory, both on this machine). Unprotect ≈ roundTrip − protect.
 */
public class WebRtcBenchmark {

    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public static class Srtp {
        @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
        public String profile;

        private SrtpContext sender;
        private SrtpContext roundTripSender;
        private SrtpContext receiver;
        private final byte[] buf = new byte[200];
        private int seq;
        private int roundTripSeq;

        @Setup
        public void setUp() {
            SrtpProfile p = SrtpProfile.valueOf(profile);
            byte[] key = new byte[p.keyLength()];
            byte[] salt = new byte[p.saltLength()];
            new SecureRandom().nextBytes(key);
            SrtpMasterKeys keys = new SrtpMasterKeys(p, key, salt);
            sender = SrtpContext.create(keys);
            roundTripSender = SrtpContext.create(keys);
            receiver = SrtpContext.create(keys);
        }

        private void header(int s) {
            buf[0] = (byte) 0x80;
            buf[1] = 111;
            buf[2] = (byte) (s >>> 8);
            buf[3] = (byte) s;
            buf[8] = 0x12;
        }

        @Benchmark
        public int protect() {
            header(seq++ & 0xFFFF);
            return sender.protectRtp(buf, 132);
        }

        @Benchmark
        public int roundTrip() {
            header(roundTripSeq++ & 0xFFFF);
            int n = roundTripSender.protectRtp(buf, 132);
            return receiver.unprotectRtp(buf, n);
        }
    }

    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public static class Stun {
        private final IceLiteResponder ice = new IceLiteResponder("srvufrag", "server-password-0123456789", "brw1", ConsentPolicy.DEFAULT, 0);
        private final InetSocketAddress from = new InetSocketAddress("192.0.2.1", 50000);
        private final byte[] out = new byte[1500];
        private byte[] check;
        private int length;

        @Setup
        public void setUp() throws Exception {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec("server-password-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            check = new byte[1500];
            length = new StunWriter().start(check, StunMessage.BINDING_REQUEST, new byte[12], 0)
                    .username("srvufrag:brw1".getBytes(StandardCharsets.UTF_8)).priority(1_853_824_767L)
                    .iceControlling(42).useCandidate().integrity(mac).finishWithFingerprint();
        }

        @Benchmark
        public int answerCheck() {
            return ice.onBindingRequest(check, length, from, 1, out);
        }
    }

    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public static class Dtls {
        private final SecureRandom random = new SecureRandom();
        private DtlsCertificate server;
        private DtlsCertificate browser;

        @Setup(Level.Trial)
        public void setUp() {
            server = DtlsCertificate.generate("switchboard", Duration.ofDays(1), random);
            browser = DtlsCertificate.generate("browser", Duration.ofDays(1), random);
        }

        @Benchmark
        public Object handshake() throws IOException {
            CompletableFuture<QueuedDatagramTransport> clientSide = new CompletableFuture<>();
            CompletableFuture<SrtpMasterKeys> keys = new CompletableFuture<>();
            DtlsSrtpHandshake handshake = new DtlsSrtpHandshake(server, browser.fingerprint(),
                    new SrtpProfile[] {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80}, 10_000,
                    (b, o, l) -> clientSide.getNow(null).offer(b, o, l), random, new DtlsSrtpHandshake.Listener() {
                        @Override
                        public void onSrtpKeys(SrtpMasterKeys inbound, SrtpMasterKeys outbound) {
                            keys.complete(inbound);
                        }

                        @Override
                        public void onHandshakeFailed(boolean fingerprintMismatch) {
                            keys.completeExceptionally(new IOException("handshake failed"));
                        }

                        @Override
                        public void onClosed() {
                        }
                    }, "bench");
            QueuedDatagramTransport toServer = new QueuedDatagramTransport(64, handshake::onDatagram);
            clientSide.complete(toServer);
            new DtlsSrtpClient(browser, server.fingerprint(), random, SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80)
                    .connect(toServer);
            SrtpMasterKeys k = keys.join();
            handshake.close();
            return k;
        }
    }
}
