package dev.switchboard.media.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.sdp.WebRtcAnswer;
import dev.switchboard.media.sdp.WebRtcOffer;
import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real browser against the WebRTC building blocks, no call API: headless Chromium (fake microphone playing
 * 660 Hz) offers, the test answers with {@link WebRtcAnswer} for a {@link WebRtcTransport} on a {@link WebRtcPort},
 * and then: ICE-lite and DTLS 1.2 (Chromium's fallback from 1.3) connect, the browser's SRTP decrypts to Opus
 * that decodes to 660 Hz, and the 440 Hz Opus this side protects and sends is heard in the page (WebAudio).
 * Skipped when Debian's chromium and chromium-driver are not installed.
 */
public class ChromiumWebRtcTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SSRC = 0x5357_4254L;

    private final WebRtcCounters counters = new WebRtcCounters();
    private final List<byte[]> payloads = new ArrayList<>();

    @Test
    void chromiumConnectsSendsItsMicrophoneAndHearsTheServer() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-chromium"));
        Path wav = dir.resolve("tone-660.wav");
        writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        DtlsCertificate certificate = DtlsCertificate.generate("switchboard", Duration.ofDays(30), RANDOM);
        WebRtcDemux demux = new WebRtcDemux(counters);
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try (WebRtcPort port = WebRtcPort.open(new InetSocketAddress("127.0.0.1", 0), demux);
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            chromium.open(page.toAbsolutePath().toUri().toString());
            String offerSdp = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            assertThat(offerSdp).startsWith("v=0");
            Files.writeString(dir.resolve("offer.sdp"), offerSdp);

            WebRtcOffer offer = WebRtcOffer.parse(offerSdp);
            assertThat(offer.codec()).isEqualTo(AudioCodec.OPUS);
            IceCredentials local = IceCredentials.random(RANDOM);
            WebRtcTransport leg = new WebRtcTransport(local, offer.iceUfrag(), offer.fingerprint(), certificate,
                    ConsentPolicy.DEFAULT, counters, port, new Collector(), RANDOM, "chromium", System.nanoTime());
            demux.register(leg);
            String answer = new WebRtcAnswer("127.0.0.1", port.localPort(), local.ufrag(), local.password(),
                    certificate.fingerprint(), SSRC).render(offer);
            Files.writeString(dir.resolve("answer.sdp"), answer);

            JsonNode state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", answer);
            assertThat(state.asText()).isEqualTo("connected");
            await().atMost(Duration.ofSeconds(5)).until(leg::isSecured);
            JsonNode transport = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.dtlsVersion().then(done, e => done('ERR ' + e));");
            Files.writeString(dir.resolve("transport-stats.json"), transport.toString());
            assertThat(transport.path("dtls").asText()).as("Chromium fell back to DTLS 1.2").isEqualTo("FEFD");
            // Chromium names the cipher "SRTP_AEAD_AES_128_GCM" in some versions and "AEAD_AES_128_GCM" in others (150)
            assertThat(transport.path("srtp").asText()).isIn("SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM");

            sender.scheduleAtFixedRate(new ToneSender(leg, offer.payloadType(), 440), 0, 20, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(15)).until(() -> received() >= 150);
            double[] pcm = decode(offer);
            ToneAnalysis.Samples samples = new ToneAnalysis.Samples(pcm, AudioCodec.MIX_RATE);
            double at660 = ToneAnalysis.levelDbfs(samples, 660, 1.0, samples.seconds());
            double at440 = ToneAnalysis.levelDbfs(samples, 440, 1.0, samples.seconds());
            Files.writeString(dir.resolve("levels.txt"), "server heard 660 Hz at " + at660 + " dBFS, 440 Hz at " + at440 + " dBFS\n");
            assertThat(ToneAnalysis.verdict(at660)).as("the browser's 660 Hz, decrypted and decoded (%.1f dBFS)", at660)
                    .isEqualTo(ToneAnalysis.Verdict.PRESENT);
            assertThat(at660 - at440).isGreaterThan(20);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode l = chromium.execute("return window.levels();");
                return l != null && !l.isNull() && l.path("f440").asDouble() > -60 && l.path("f440").asDouble() > l.path("f1500").asDouble() + 20;
            });
            JsonNode levels = chromium.execute("return window.levels();");
            Files.writeString(dir.resolve("levels.txt"), "page heard " + levels + "\n", java.nio.file.StandardOpenOption.APPEND);
            chromium.screenshot(dir.resolve("connected.png"));
            assertThat(counters.dropped(WebRtcDropReason.SRTP_AUTH_FAILED)).isZero();
            assertThat(counters.dropped(WebRtcDropReason.STUN_UNAUTHENTICATED)).isZero();
            assertThat(counters.dtlsHandshakes()).isEqualTo(1);
            leg.close();
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void anOfferWhoseFingerprintIsNotTheBrowsersGetsNoMediaAndTheLegEnds() throws Exception {
        Chromium.requireOrSkip();
        Path dir = Files.createDirectories(Path.of("target/webrtc-chromium-mismatch"));
        Path wav = dir.resolve("tone-660.wav");
        writeTone(wav, 660, 2);
        Path page = dir.resolve("peer.html");
        try (InputStream in = getClass().getResourceAsStream("/webrtc/peer.html")) {
            Files.write(page, in.readAllBytes());
        }
        DtlsCertificate certificate = DtlsCertificate.generate("switchboard", Duration.ofDays(30), RANDOM);
        DtlsCertificate someoneElse = DtlsCertificate.generate("someone-else", Duration.ofDays(30), RANDOM);
        WebRtcDemux demux = new WebRtcDemux(counters);
        try (WebRtcPort port = WebRtcPort.open(new InetSocketAddress("127.0.0.1", 0), demux);
             Chromium chromium = new Chromium(wav.toAbsolutePath(), dir)) {
            chromium.open(page.toAbsolutePath().toUri().toString());
            String offerSdp = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.startCall().then(done, e => done('ERR ' + e));").asText();
            // the signalling was tampered with: the offer names another certificate than the browser's
            WebRtcOffer offer = WebRtcOffer.parse(offerSdp.replaceAll("a=fingerprint:[^\r]*",
                    "a=fingerprint:" + someoneElse.fingerprint().toSdp()));
            IceCredentials local = IceCredentials.random(RANDOM);
            WebRtcTransport leg = new WebRtcTransport(local, offer.iceUfrag(), offer.fingerprint(), certificate,
                    ConsentPolicy.DEFAULT, counters, port, new Collector(), RANDOM, "chromium", System.nanoTime());
            demux.register(leg);
            String answer = new WebRtcAnswer("127.0.0.1", port.localPort(), local.ufrag(), local.password(),
                    certificate.fingerprint(), SSRC).render(offer);
            String state = chromium.executeAsync("const done = arguments[arguments.length - 1];"
                    + "window.acceptAnswer(arguments[0]).then(done, e => done('ERR ' + e));", answer).asText();
            assertThat(state).startsWith("ERR");
            await().atMost(Duration.ofSeconds(10)).until(() -> leg.isFinished(System.nanoTime()));
            assertThat(counters.dtlsFingerprintMismatch()).isEqualTo(1);
            assertThat(leg.isSecured()).isFalse();
            assertThat(received()).isZero();
            leg.close();
        }
    }

    private synchronized int received() {
        return payloads.size();
    }

    private synchronized double[] decode(WebRtcOffer offer) {
        FrameDecoder decoder = AudioCodec.OPUS.newDecoder();
        short[] frame = new short[AudioCodec.MIX_FRAME];
        double[] out = new double[payloads.size() * frame.length];
        int at = 0;
        for (byte[] p : payloads) {
            decoder.decode(p, 0, p.length, frame);
            for (short s : frame) {
                out[at++] = s / 32768.0;
            }
        }
        return out;
    }

    /** Keeps the Opus payloads of the negotiated payload type. */
    private final class Collector implements MediaSink {
        private final RtpPacket packet = new RtpPacket();

        @Override
        public void onRtp(byte[] buf, int length, long nowNanos) {
            if (packet.parse(buf, length) == RtpPacket.Kind.RTP && packet.payloadType() == 111) {
                synchronized (ChromiumWebRtcTest.this) {
                    payloads.add(Arrays.copyOfRange(buf, packet.payloadOffset(), packet.payloadOffset() + packet.payloadLength()));
                }
            }
        }

        @Override
        public void onRtcp(byte[] buf, int length, long nowNanos) {
        }
    }

    /** Every 20 ms: one Opus frame of a tone, as RTP, through the leg's SRTP. */
    private static final class ToneSender implements Runnable {
        private final WebRtcTransport leg;
        private final int payloadType;
        private final double frequency;
        private final FrameEncoder encoder = AudioCodec.OPUS.newEncoder();
        private final short[] pcm = new short[AudioCodec.MIX_FRAME];
        private final byte[] packet = new byte[1500];
        private int seq;
        private long sample;

        ToneSender(WebRtcTransport leg, int payloadType, double frequency) {
            this.leg = leg;
            this.payloadType = payloadType;
            this.frequency = frequency;
        }

        @Override
        public void run() {
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) (0.3 * 32767 * Math.sin(2 * Math.PI * frequency * (sample + i) / AudioCodec.MIX_RATE));
            }
            int n = encoder.encode(pcm, packet, 12);
            packet[0] = (byte) 0x80;
            packet[1] = (byte) (payloadType | (seq == 0 ? 0x80 : 0));
            Bytes.putShort(packet, 2, seq++);
            Bytes.putInt(packet, 4, (int) sample);
            Bytes.putInt(packet, 8, (int) SSRC);
            sample += pcm.length;
            leg.sendRtp(packet, 12 + n, System.nanoTime());
        }
    }

    /** A 16-bit mono 48 kHz WAV of a tone at -6 dBFS. */
    public static void writeTone(Path wav, double frequency, int seconds) throws Exception {
        int n = 48_000 * seconds;
        ByteBuffer data = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putShort((short) (0.5 * 32767 * Math.sin(2 * Math.PI * frequency * i / 48_000)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(48_000).putInt(96_000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(n * 2);
        out.write(h.array());
        out.write(data.array());
        Files.write(wav, out.toByteArray());
    }
}
