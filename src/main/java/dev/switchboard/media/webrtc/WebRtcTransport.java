package dev.switchboard.media.webrtc;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * One WebRTC leg's transport on the shared port: ICE-lite checks, the DTLS-SRTP handshake, then SRTP/SRTCP both
 * ways. Inbound, it turns the demultiplexed datagrams into plain RTP/RTCP for the leg's {@link MediaSink}, counting
 * every drop by {@link WebRtcDropReason}; outbound, it protects the leg's RTP and sends it only to the address the
 * browser checked and nominated, and only while consent is fresh.
 *
 * <p>Threads (docs/concurrency.md): {@code onStun}, {@code onDtls}, {@code onSrtp} on the port's packet thread;
 * {@code sendRtp}/{@code sendRtcp} on the one thread that sends this leg's media (the mixer); the SRTP keys arrive
 * from the DTLS virtual thread through volatile fields; {@link #close} from any thread.
 */
public final class WebRtcTransport {
    private final IceLiteResponder ice;
    private final DtlsSrtpHandshake dtls;
    private final WebRtcCounters counters;
    private final PacketSink sink;
    private final MediaSink media;
    private final byte[] out = new byte[1500];
    private final ByteBuffer outBuffer = ByteBuffer.wrap(out);
    private volatile SrtpContext inbound;
    private volatile SrtpContext outbound;
    private volatile SrtpContext outboundRtcp;
    private final byte[] rtcpOut = new byte[1500];
    private final ByteBuffer rtcpOutBuffer = ByteBuffer.wrap(rtcpOut);
    private final RtcpReader rtcpReader = new RtcpReader();
    private volatile RtcpReporter reporter;
    private volatile boolean dtlsFailed;
    private volatile boolean dtlsClosed;
    private volatile boolean closed;

    /**
     * @param local        this leg's ICE credentials (its ufrag routes checks to it)
     * @param remoteUfrag  the offer's ufrag
     * @param remoteFingerprint the offer's certificate fingerprint
     * @param createdNanos now, for the connect timeout
     */
    public WebRtcTransport(IceCredentials local, String remoteUfrag, DtlsFingerprint remoteFingerprint, DtlsCertificate certificate,
                           ConsentPolicy consent, WebRtcCounters counters, PacketSink sink, MediaSink media,
                           SecureRandom random, String name, long createdNanos) {
        this.ice = new IceLiteResponder(local.ufrag(), local.password(), remoteUfrag, consent, createdNanos);
        this.counters = counters;
        this.sink = sink;
        this.media = media;
        this.dtls = new DtlsSrtpHandshake(certificate, remoteFingerprint,
                new SrtpProfile[] {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80}, 10_000,
                this::sendDtls, random, new HandshakeOutcome(), name);
    }

    public String localUfrag() {
        return ice.localUfrag();
    }

    /**
     * A STUN datagram whose USERNAME names this leg. Answers it (to its source) if it authenticates.
     *
     * @param scratch a buffer of at least 548 bytes for the response
     * @return true if the check passed (the source address may now carry DTLS and SRTP for this leg)
     */
    public boolean onStun(byte[] buf, int length, InetSocketAddress from, long now, byte[] scratch, ByteBuffer scratchBuffer) {
        int n = ice.onBindingRequest(buf, length, from, now, scratch);
        if (n > 0) {
            counters.stunAnswered.increment();
            scratchBuffer.clear().limit(n);
            sink.send(scratchBuffer, from);
            return true;
        }
        if (n == IceLiteResponder.UNAUTHENTICATED) {
            counters.drop(WebRtcDropReason.STUN_UNAUTHENTICATED);
        } else if (n == IceLiteResponder.MALFORMED) {
            counters.drop(WebRtcDropReason.STUN_MALFORMED);
        }
        return false;
    }

    /** The address this leg's ICE agent forgot at the last passed check ({@link IceLiteResponder#takeForgotten}). */
    InetSocketAddress takeForgotten() {
        return ice.takeForgotten();
    }

    /** A DTLS record from a checked address. */
    public void onDtls(byte[] buf, int length) {
        switch (dtls.onDatagram(buf, 0, length)) {
            case QUEUED -> { }
            case MALFORMED -> counters.drop(WebRtcDropReason.DTLS_MALFORMED);
            case DROPPED -> counters.drop(WebRtcDropReason.DTLS_DROPPED);
        }
    }

    /** An SRTP or SRTCP datagram (RFC 5761 demultiplexing) from a checked address; decrypted in place. */
    public void onSrtp(byte[] buf, int length, long now) {
        SrtpContext context = inbound;
        if (context == null) {
            counters.drop(WebRtcDropReason.SRTP_NO_KEYS);
            return;
        }
        int pt = length > 1 ? buf[1] & 0xFF : 0;
        boolean rtcp = pt >= 192 && pt <= 223;
        int n = rtcp ? context.unprotectRtcp(buf, length) : context.unprotectRtp(buf, length);
        if (n >= 0) {
            RtcpReporter r = reporter;
            if (rtcp) {
                if (!readRtcp(buf, n, now, r)) {
                    return;
                }
                media.onRtcp(buf, n, now);
            } else {
                if (r != null) {
                    r.reception().onRtp(buf, n, now);
                }
                media.onRtp(buf, n, now);
            }
        } else if (n == SrtpContext.AUTH_FAILED) {
            counters.drop(WebRtcDropReason.SRTP_AUTH_FAILED);
        } else if (n == SrtpContext.REPLAY) {
            counters.drop(WebRtcDropReason.SRTP_REPLAY);
        } else {
            counters.drop(WebRtcDropReason.SRTP_MALFORMED);
        }
    }

    /**
     * Protects and sends a plain RTP packet {@code rtp[0..length)} (copied; the caller's buffer is untouched).
     *
     * @return true if it was sent; false before the keys exist or while consent has lapsed (counted)
     */
    public boolean sendRtp(byte[] rtp, int length, long now) {
        return send(rtp, length, now, false);
    }

    /** As {@link #sendRtp}, for a compound RTCP packet. */
    public boolean sendRtcp(byte[] rtcp, int length, long now) {
        return send(rtcp, length, now, true);
    }

    private boolean send(byte[] packet, int length, long now, boolean rtcp) {
        SrtpContext context = outbound;
        if (context == null || closed) {
            return false;
        }
        InetSocketAddress to = ice.sendAddress(now);
        if (to == null) {
            counters.drop(WebRtcDropReason.CONSENT_LAPSED);
            return false;
        }
        int overhead = rtcp ? context.rtcpOverhead() : context.rtpOverhead();
        if (length + overhead > out.length) {
            counters.drop(WebRtcDropReason.SRTP_MALFORMED);
            return false;
        }
        System.arraycopy(packet, 0, out, 0, length);
        int n = rtcp ? context.protectRtcp(out, length) : context.protectRtp(out, length);
        if (n < 0) {
            counters.drop(WebRtcDropReason.SRTP_MALFORMED);
            return false;
        }
        outBuffer.clear().limit(n);
        sink.send(outBuffer, to);
        RtcpReporter r = reporter;
        if (!rtcp && r != null) {
            r.onSent(packet, length, now);
        }
        return true;
    }

    /** Checks and counts a decrypted compound RTCP packet; false (counted as {@code rtcp_malformed}) if broken. */
    private boolean readRtcp(byte[] buf, int length, long now, RtcpReporter r) {
        if (rtcpReader.scan(buf, length) != RtcpReader.OK) {
            counters.drop(WebRtcDropReason.RTCP_MALFORMED);
            return false;
        }
        counters.rtcpSenderReports.add(rtcpReader.senderReports());
        counters.rtcpReceiverReports.add(rtcpReader.receiverReports());
        if (r != null && rtcpReader.senderReports() > 0) {
            r.reception().onSenderReport(rtcpReader.srNtpMiddle(), now);
        }
        return true;
    }

    /**
     * Turns on RTCP reports for this leg ({@link RtcpReporter}); call before media flows.
     *
     * @param ssrc      the SSRC of the RTP this leg sends
     * @param clockRate the negotiated codec's RTP clock rate
     */
    public void enableReports(long ssrc, int clockRate, String cname) {
        reporter = new RtcpReporter(ssrc, clockRate, cname);
    }

    /**
     * Sends this leg's RTCP report if one is due (RFC 3550 §6.4). Called by one report timer thread only, never the
     * packet or mixer thread; uses its own buffer and SRTCP context, so it takes no lock.
     *
     * @return true if a report was sent
     */
    public boolean reportIfDue(long now, long unixMillis) {
        RtcpReporter r = reporter;
        SrtpContext context = outboundRtcp;
        if (r == null || context == null || closed) {
            return false;
        }
        InetSocketAddress to = ice.sendAddress(now);
        if (to == null) {
            return false;
        }
        int length = r.due(now, unixMillis);
        if (length == 0) {
            return false;
        }
        System.arraycopy(r.packet, 0, rtcpOut, 0, length);
        int n = context.protectRtcp(rtcpOut, length);
        if (n < 0) {
            return false;
        }
        rtcpOutBuffer.clear().limit(n);
        sink.send(rtcpOutBuffer, to);
        counters.rtcpReportsSent.increment();
        return true;
    }

    /** True once SRTP keys exist both ways. */
    public boolean isSecured() {
        return inbound != null && outbound != null;
    }

    /**
     * True when the leg should end: ICE never connected or consent expired ({@link ConsentPolicy}), the DTLS
     * handshake failed (e.g. the fingerprint did not match), or the browser closed DTLS.
     */
    public boolean isFinished(long now) {
        return closed || dtlsFailed || dtlsClosed || ice.isExpired(now);
    }

    /** Why {@link #isFinished} holds, for logs ({@code LegEndListener}'s reasons), or null while it does not. */
    public String finishReason(long now) {
        return closed ? "closed" : dtlsFailed ? "dtls_failed" : dtlsClosed ? "dtls_closed"
                : ice.isExpired(now) ? "ice_expired" : null;
    }

    /** Where media goes now, or null (for tests and stats). */
    public InetSocketAddress remote(long now) {
        return ice.sendAddress(now);
    }

    /** Stops DTLS; sends nothing more. Idempotent; any thread. */
    public void close() {
        closed = true;
        dtls.close();
    }

    private void sendDtls(byte[] buf, int off, int len) throws java.io.IOException {
        InetSocketAddress to = ice.sendAddress(System.nanoTime());
        if (to == null) {
            throw new java.io.IOException("no checked address with consent to send DTLS to");
        }
        sink.send(ByteBuffer.wrap(buf, off, len), to);
    }

    /** Sets the SRTP keys (the handshake does; tests may, to exercise SRTP without DTLS). */
    void installKeys(SrtpMasterKeys in, SrtpMasterKeys out) {
        inbound = SrtpContext.create(in);
        outboundRtcp = SrtpContext.create(out); // SRTCP only, for the report timer: its own index, no shared state
        outbound = SrtpContext.create(out);
    }

    private final class HandshakeOutcome implements DtlsSrtpHandshake.Listener {
        @Override
        public void onSrtpKeys(SrtpMasterKeys in, SrtpMasterKeys out) {
            installKeys(in, out);
            counters.dtlsHandshakes.increment();
        }

        @Override
        public void onHandshakeFailed(boolean fingerprintMismatch) {
            dtlsFailed = true;
            counters.dtlsFailed.increment();
            if (fingerprintMismatch) {
                counters.dtlsFingerprintMismatch.increment();
            }
        }

        @Override
        public void onClosed() {
            dtlsClosed = true;
        }
    }
}
