package dev.switchboard.bench;

import dev.switchboard.media.webrtc.DtlsCertificate;
import dev.switchboard.media.webrtc.DtlsFingerprint;
import dev.switchboard.media.webrtc.DtlsSrtpClient;
import dev.switchboard.media.webrtc.SrtpContext;
import dev.switchboard.media.webrtc.SrtpProfile;
import dev.switchboard.media.webrtc.StunMessage;
import dev.switchboard.media.webrtc.StunWriter;
import org.bouncycastle.tls.UDPTransport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * One leg of the {@code --webrtc} media load, seen from the load generator: its own UDP socket, and for a WebRTC leg
 * the browser's half of the transport done here (an ICE check with MESSAGE-INTEGRITY and FINGERPRINT under the
 * answer's ufrag/password, a Bouncy Castle DTLS client verifying the server's fingerprint, SRTP both ways).
 *
 * <p>Threads: set up ({@link #iceCheck}, {@link #handshake}) on one thread, then {@link #sendFrame}/{@link #sendConsent}
 * only on the sender thread and {@link #onDatagram} only on the receiver thread.
 */
final class LoadLeg {
    private static final SecureRandom RANDOM = new SecureRandom();

    final DatagramChannel channel;
    final boolean webRtc;
    final int ssrc;
    final int payloadType;
    final boolean talker;
    private final byte[] tx = new byte[1500];
    private final ByteBuffer txBuffer = ByteBuffer.wrap(tx);
    private final StunWriter stun = new StunWriter();
    private final byte[] stunTx = new byte[12];
    private final byte[] stunRx = new byte[1500];
    private String clientUfrag;
    private String clientPassword;
    private byte[] stunUsername;
    private Mac stunMac;
    private SrtpContext outbound;
    private SrtpContext inbound;
    volatile boolean ready;
    /** When the last consent check went out ({@link System#nanoTime}); the sender thread's. */
    long lastCheck;
    String room;

    // receiver-thread state (read by the main thread between phases and at snapshots)
    volatile long received;
    volatile long lost;
    volatile long rtcp;
    volatile long stunResponses;
    volatile long unprotectFailed;
    private int lastSeq = -1;

    LoadLeg(boolean webRtc, int ssrc, int payloadType, boolean talker) throws IOException {
        this.channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.webRtc = webRtc;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.talker = talker;
    }

    int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    void connect(int serverPort) throws IOException {
        channel.connect(new InetSocketAddress("127.0.0.1", serverPort));
    }

    /** A browser-like offer (Opus 111 and PCMU, or PCMU alone) with fresh ICE credentials and {@code cert}'s fingerprint. */
    String offer(DtlsCertificate cert, boolean opus) throws IOException {
        clientUfrag = random(8);
        clientPassword = random(24);
        int port = localPort();
        String formats = opus ? "111 0" : "0";
        return "v=0\r\no=- " + ssrc + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=audio " + port + " UDP/TLS/RTP/SAVPF " + formats + "\r\nc=IN IP4 127.0.0.1\r\n"
                + "a=candidate:1 1 udp 2122194687 127.0.0.1 " + port + " typ host\r\n"
                + "a=ice-ufrag:" + clientUfrag + "\r\na=ice-pwd:" + clientPassword + "\r\n"
                + "a=fingerprint:" + cert.fingerprint().toSdp() + "\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n"
                + (opus ? "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" : "")
                + "a=rtpmap:0 PCMU/8000\r\na=ssrc:" + (ssrc & 0xFFFF_FFFFL) + " cname:load\r\n";
    }

    /** Takes the server's ICE credentials from its answer. */
    void answer(String sdp) throws Exception {
        String ufrag = attribute(sdp, "ice-ufrag");
        String pwd = attribute(sdp, "ice-pwd");
        stunUsername = (ufrag + ":" + clientUfrag).getBytes(StandardCharsets.UTF_8);
        stunMac = Mac.getInstance("HmacSHA1");
        stunMac.init(new SecretKeySpec(pwd.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    }

    /**
     * The connectivity check (blocking, the channel in blocking mode): a nominating binding request, then the
     * server's success response, its MESSAGE-INTEGRITY and FINGERPRINT verified. Retries three times.
     */
    void iceCheck() throws IOException {
        channel.socket().setSoTimeout(1000);
        StunMessage response = new StunMessage();
        for (int attempt = 0; attempt < 3; attempt++) {
            sendConsent();
            try {
                while (true) {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(stunRx, stunRx.length);
                    channel.socket().receive(p);
                    if (response.parse(stunRx, p.getLength()) && response.type() == StunMessage.BINDING_SUCCESS
                            && response.verifyIntegrity(stunMac, new byte[20]) && response.verifyFingerprint(new CRC32())) {
                        return;
                    }
                }
            } catch (SocketTimeoutException e) {
                // retry
            }
        }
        throw new IOException("no authenticated STUN answer");
    }

    /** The DTLS client handshake (blocking); then SRTP keys both ways. */
    void handshake(DtlsCertificate cert, DtlsFingerprint server) throws IOException {
        DtlsSrtpClient client = new DtlsSrtpClient(cert, server, new SecureRandom(), SrtpProfile.AEAD_AES_128_GCM,
                SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        client.connect(new UDPTransport(channel.socket(), 1500));
        outbound = SrtpContext.create(client.outboundKeys());
        inbound = SrtpContext.create(client.inboundKeys());
    }

    /** A consent check (ICE binding request, USE-CANDIDATE, integrity, fingerprint); answers are counted on receipt. */
    void sendConsent() throws IOException {
        lastCheck = System.nanoTime();
        RANDOM.nextBytes(stunTx);
        int n = stun.start(tx, StunMessage.BINDING_REQUEST, stunTx, 0).username(stunUsername)
                .iceControlling(0x1234_5678_9ABCL).priority(2_122_194_687L).useCandidate()
                .integrity(stunMac).finishWithFingerprint();
        txBuffer.clear().limit(n);
        channel.write(txBuffer);
    }

    /** One RTP frame (protected for WebRTC legs); sender thread. */
    void sendFrame(int frame, byte[] payload, int samplesPerFrame) throws IOException {
        int seq = frame & 0xFFFF;
        int ts = frame * samplesPerFrame;
        tx[0] = (byte) 0x80;
        tx[1] = (byte) payloadType;
        tx[2] = (byte) (seq >>> 8);
        tx[3] = (byte) seq;
        putInt(tx, 4, ts);
        putInt(tx, 8, ssrc);
        System.arraycopy(payload, 0, tx, 12, payload.length);
        int n = 12 + payload.length;
        if (webRtc) {
            n = outbound.protectRtp(tx, n);
        }
        txBuffer.clear().limit(n);
        channel.write(txBuffer);
    }

    /** A datagram from the server; receiver thread. SRTP is unprotected (and so checked) before it counts. */
    void onDatagram(byte[] b, int len) {
        int first = b[0] & 0xFF;
        if (first < 4) {
            stunResponses++;
            return;
        }
        if (first < 128 || first > 191 || len < 12) {
            return;
        }
        int pt = b[1] & 0xFF;
        if (pt >= 192 && pt <= 223) {
            rtcp++;
            return;
        }
        if (webRtc && inbound.unprotectRtp(b, len) < 0) {
            unprotectFailed++;
            return;
        }
        int seq = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (lastSeq >= 0) {
            int gap = (seq - lastSeq - 1) & 0xFFFF;
            if (gap < 1000) {
                lost += gap;
            }
        }
        lastSeq = seq;
        received++;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static String random(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    static String attribute(String sdp, String name) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("a=" + name + ":")) {
                return line.substring(name.length() + 3);
            }
        }
        throw new IllegalArgumentException("no a=" + name + " in the answer");
    }
}
