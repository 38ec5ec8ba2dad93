package dev.switchboard.media.webrtc;

import java.util.Arrays;

/**
 * One direction of one leg's SRTP/SRTCP (RFC 3711): protects what this server sends, or unprotects what it
 * receives, in place in the caller's buffer. Keeps per SSRC the rollover counter (RFC 3711 §3.3.1, Appendix A)
 * and, when receiving, the 64-packet replay windows (§3.3.2) for SRTP and SRTCP; a replay is rejected before the
 * tag is checked, and a window moves only for a packet whose tag verified.
 *
 * <p>Not thread-safe. An inbound context belongs to the packet thread that reads the leg's datagrams, an
 * outbound one to the thread that sends them (docs/concurrency.md). Allocates only when a new SSRC appears (at
 * most {@value #MAX_SSRCS} per context; more are MALFORMED). An inbound SSRC is kept only once a packet of it
 * authenticated: a forged packet cannot take a slot from the browser's next stream.
 */
public final class SrtpContext {
    /** Unprotect verdict: the authentication tag did not verify ({@code srtp_auth_failed}). */
    public static final int AUTH_FAILED = SrtpCipher.AUTH_FAILED;
    /** Unprotect verdict: the index was seen before or is older than the replay window ({@code srtp_replay}). */
    public static final int REPLAY = -2;
    /** Unprotect verdict: too short, not RTP/RTCP, or one SSRC too many ({@code malformed}). */
    public static final int MALFORMED = -3;

    static final int MAX_SSRCS = 8;

    private final SrtpCipher cipher;
    private Stream[] streams = new Stream[0];
    /** An inbound packet's new SSRC is tried in this stream, which is kept only if the packet authenticates. */
    private Stream candidate = new Stream();
    private int nextRtcpIndex;

    private SrtpContext(SrtpMasterKeys keys) {
        this.cipher = SrtpCipher.create(keys);
    }

    /** A context for one direction; derives the session keys (RFC 3711 §4.3) now. */
    public static SrtpContext create(SrtpMasterKeys keys) {
        return new SrtpContext(keys);
    }

    /** Bytes {@link #protectRtp} appends: the buffer needs this much room after the packet. */
    public int rtpOverhead() {
        return cipher.rtpOverhead();
    }

    /** Bytes {@link #protectRtcp} appends. */
    public int rtcpOverhead() {
        return cipher.rtcpOverhead();
    }

    /**
     * Encrypts and tags the RTP packet {@code buf[0..length)} in place.
     *
     * @return the SRTP length, {@code length + rtpOverhead()}, or MALFORMED if it is not a valid RTP packet
     * @throws IllegalArgumentException if the buffer has no room for the tag
     */
    public int protectRtp(byte[] buf, int length) {
        requireRoom(buf, length, cipher.rtpOverhead());
        int header = rtpHeaderLength(buf, length);
        if (header < 0) {
            return MALFORMED;
        }
        Stream s = stream(Bytes.getInt(buf, 8));
        if (s == null) {
            return MALFORMED;
        }
        int seq = Bytes.getShort(buf, 2);
        long index = s.estimate(seq);
        if (index < 0) {
            return MALFORMED;
        }
        s.advance(index);
        return cipher.protectRtp(buf, header, length, s.ssrc, index);
    }

    /**
     * Checks, authenticates and decrypts the SRTP packet {@code buf[0..length)} in place.
     *
     * @return the RTP length, or AUTH_FAILED, REPLAY or MALFORMED (nothing in the context changed then)
     */
    public int unprotectRtp(byte[] buf, int length) {
        int header = length >= 12 + cipher.rtpOverhead() ? rtpHeaderLength(buf, length - cipher.rtpOverhead()) : -1;
        if (header < 0) {
            return MALFORMED;
        }
        Stream s = inboundStream(Bytes.getInt(buf, 8));
        if (s == null) {
            return MALFORMED;
        }
        long index = s.estimate(Bytes.getShort(buf, 2));
        if (index < 0 || s.rtpWindow.isReplay(index)) {
            return REPLAY;
        }
        int plain = cipher.unprotectRtp(buf, header, length, s.ssrc, index);
        if (plain >= 0) {
            keep(s);
            s.advance(index);
            s.rtpWindow.accept(index);
        }
        return plain;
    }

    /**
     * Encrypts the compound RTCP packet {@code buf[0..length)} in place and appends the SRTCP index and tag.
     *
     * @return the SRTCP length, or MALFORMED if it is shorter than an RTCP header
     */
    public int protectRtcp(byte[] buf, int length) {
        requireRoom(buf, length, cipher.rtcpOverhead());
        if (length < 8 || (buf[0] & 0xC0) != 0x80) {
            return MALFORMED;
        }
        int index = nextRtcpIndex;
        nextRtcpIndex = (nextRtcpIndex + 1) & 0x7FFF_FFFF;
        return cipher.protectRtcp(buf, length, Bytes.getInt(buf, 4), index);
    }

    /**
     * Checks, authenticates and decrypts the SRTCP packet {@code buf[0..length)} in place.
     *
     * @return the plain RTCP length, or AUTH_FAILED, REPLAY or MALFORMED
     */
    public int unprotectRtcp(byte[] buf, int length) {
        if (length < 8 + cipher.rtcpOverhead() || (buf[0] & 0xC0) != 0x80) {
            return MALFORMED;
        }
        Stream s = inboundStream(Bytes.getInt(buf, 4));
        if (s == null) {
            return MALFORMED;
        }
        int word = Bytes.getInt(buf, cipher.rtcpIndexOffset(length));
        int index = word & 0x7FFF_FFFF;
        if (s.rtcpWindow.isReplay(index)) {
            return REPLAY;
        }
        int plain = cipher.unprotectRtcp(buf, length, s.ssrc, index, word < 0);
        if (plain >= 0) {
            keep(s);
            s.rtcpWindow.accept(index);
        }
        return plain;
    }

    /** The RTP header length (fixed header, CSRCs, extension), or -1 if it does not fit in {@code length}. */
    static int rtpHeaderLength(byte[] buf, int length) {
        if (length < 12 || (buf[0] & 0xC0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (buf[0] & 0x0F);
        if ((buf[0] & 0x10) != 0) {
            if (header + 4 > length) {
                return -1;
            }
            header += 4 + 4 * Bytes.getShort(buf, header + 2);
        }
        return header <= length ? header : -1;
    }

    private static void requireRoom(byte[] buf, int length, int overhead) {
        if (length < 0 || length + overhead > buf.length) {
            throw new IllegalArgumentException("the buffer needs " + overhead + " bytes of room after the packet");
        }
    }

    /** The stream of an SSRC this context sends, made on its first packet; null when {@value #MAX_SSRCS} are taken. */
    private Stream stream(int ssrc) {
        Stream s = find(ssrc);
        if (s == null && streams.length < MAX_SSRCS) {
            s = new Stream().reset(ssrc);
            add(s);
        }
        return s;
    }

    /**
     * The stream of a received packet's SSRC: a known one, or the {@link #candidate} started afresh for a new SSRC
     * (kept by {@link #keep} once the packet authenticated); null when {@value #MAX_SSRCS} are taken.
     */
    private Stream inboundStream(int ssrc) {
        Stream s = find(ssrc);
        if (s == null && streams.length < MAX_SSRCS) {
            s = candidate.reset(ssrc);
        }
        return s;
    }

    /** Keeps the candidate stream once a packet of its SSRC authenticated. */
    private void keep(Stream s) {
        if (s == candidate) {
            add(s);
            candidate = new Stream();
        }
    }

    private Stream find(int ssrc) {
        for (Stream s : streams) {
            if (s.ssrc == ssrc) {
                return s;
            }
        }
        return null;
    }

    private void add(Stream s) {
        streams = Arrays.copyOf(streams, streams.length + 1);
        streams[streams.length - 1] = s;
    }

    /** Per-SSRC state: rollover counter, highest sequence number, replay windows. */
    private static final class Stream {
        int ssrc;
        final ReplayWindow rtpWindow = new ReplayWindow();
        final ReplayWindow rtcpWindow = new ReplayWindow();
        boolean started;
        long roc;
        int highestSeq;

        /** Starts this stream afresh for {@code ssrc} (a candidate is reused until a packet of it authenticates). */
        Stream reset(int ssrc) {
            this.ssrc = ssrc;
            rtpWindow.reset();
            rtcpWindow.reset();
            started = false;
            roc = 0;
            highestSeq = 0;
            return this;
        }

        /** RFC 3711 Appendix A: the index this sequence number most likely has, or -1 if it would precede index 0. */
        long estimate(int seq) {
            if (!started) {
                return seq;
            }
            long v = roc;
            if (highestSeq < 32768) {
                if (seq - highestSeq > 32768) {
                    if (roc == 0) {
                        return -1; // from before the first packet's rollover period: nothing to decrypt it with
                    }
                    v = roc - 1;
                }
            } else if (highestSeq - 32768 > seq) {
                v = (roc + 1) & 0xFFFF_FFFFL;
            }
            return v << 16 | seq;
        }

        /** Moves ROC and the highest sequence number forward to an index that was sent or authenticated. */
        void advance(long index) {
            long current = roc << 16 | highestSeq;
            if (!started || index > current) {
                roc = index >>> 16;
                highestSeq = (int) index & 0xFFFF;
                started = true;
            }
        }
    }
}
