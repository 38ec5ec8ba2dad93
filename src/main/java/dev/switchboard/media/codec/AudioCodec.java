package dev.switchboard.media.codec;

/**
 * The audio codecs Switchboard negotiates, with their SDP names and RTP clock. Every leg sends and
 * receives 20 ms frames; the mixer works on 48 kHz mono PCM whatever the leg's codec.
 */
public enum AudioCodec {
    PCMU("PCMU", 8000, 1, 0),
    PCMA("PCMA", 8000, 1, 8),
    /** RFC 7587: always {@code opus/48000/2} in SDP, whatever is actually encoded; dynamic payload type. */
    OPUS("opus", 48000, 2, -1);

    /** Mixer sample rate. */
    public static final int MIX_RATE = 48000;
    /** Samples per 20 ms frame at {@link #MIX_RATE}. */
    public static final int MIX_FRAME = 960;
    public static final int FRAME_MILLIS = 20;
    /** Narrowband mixing rate: a room whose legs are all G.711 mixes at 8 kHz (docs/media.md). */
    public static final int NARROW_RATE = 8000;
    /** Samples per 20 ms frame at {@link #NARROW_RATE}. */
    public static final int NARROW_FRAME = 160;

    private final String sdpName;
    private final int clockRate;
    private final int sdpChannels;
    private final int staticPayloadType;

    AudioCodec(String sdpName, int clockRate, int sdpChannels, int staticPayloadType) {
        this.sdpName = sdpName;
        this.clockRate = clockRate;
        this.sdpChannels = sdpChannels;
        this.staticPayloadType = staticPayloadType;
    }

    public String sdpName() {
        return sdpName;
    }

    public int clockRate() {
        return clockRate;
    }

    /** The channel count written in {@code a=rtpmap} (2 for Opus per RFC 7587, 1 otherwise). */
    public int sdpChannels() {
        return sdpChannels;
    }

    /** The static RTP payload type, or -1 for a dynamic one. */
    public int staticPayloadType() {
        return staticPayloadType;
    }

    /** RTP timestamp increment of one 20 ms frame. */
    public int samplesPerFrame() {
        return clockRate / 1000 * FRAME_MILLIS;
    }

    /** The {@code a=rtpmap} value without the payload type, e.g. {@code PCMU/8000}. */
    public String rtpmap() {
        return sdpChannels == 1 ? sdpName + "/" + clockRate : sdpName + "/" + clockRate + "/" + sdpChannels;
    }

    /** Matches an {@code a=rtpmap} encoding name and clock rate (case-insensitive name, RFC 4566). */
    public static AudioCodec fromRtpmap(String name, int rate) {
        for (AudioCodec c : values()) {
            if (c.sdpName.equalsIgnoreCase(name) && c.clockRate == rate) {
                return c;
            }
        }
        return null;
    }

    /** The codec of a static payload type (0 = PCMU, 8 = PCMA), or null. */
    public static AudioCodec fromStaticPayloadType(int pt) {
        return pt == 0 ? PCMU : pt == 8 ? PCMA : null;
    }

    /**
     * True for the 8 kHz codecs (G.711): their decoders and encoders also work on {@link #NARROW_FRAME} samples at
     * 8 kHz ({@link FrameDecoder#decodeNarrow}, {@link FrameEncoder#encodeNarrow}), so a room of only such legs mixes
     * without the 48 kHz round trip.
     */
    public boolean narrowband() {
        return clockRate == NARROW_RATE;
    }

    /** A new decoder for one leg's stream (Opus: from {@link OpusCodecs#current()}). */
    public FrameDecoder newDecoder() {
        return this == OPUS ? OpusCodecs.current().newDecoder() : new G711FrameDecoder(this == PCMU);
    }

    /** A new encoder for one outgoing stream; Opus with {@link OpusEncoderSettings#SWITCHBOARD}. */
    public FrameEncoder newEncoder() {
        return newEncoder(OpusEncoderSettings.SWITCHBOARD);
    }

    /** A new encoder for one outgoing stream; {@code opus} applies to Opus only (from {@link OpusCodecs#current()}). */
    public FrameEncoder newEncoder(OpusEncoderSettings opus) {
        return this == OPUS ? OpusCodecs.current().newEncoder(opus) : new G711FrameEncoder(this == PCMU);
    }
}
