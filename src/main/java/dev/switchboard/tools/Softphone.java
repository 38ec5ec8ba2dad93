package dev.switchboard.tools;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.DtmfReceiver;
import dev.switchboard.media.DtmfSender;
import dev.switchboard.media.DtmfTone;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.RtpStreamWriter;
import dev.switchboard.media.sdp.SdpOffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A participant's audio endpoint: offers one RTP/AVP audio stream, sends 20 ms frames from an
 * {@link AudioSource} (or nothing), and decodes what it receives into a recording and a level meter.
 * Runs two threads (a 20 ms sender tick and a receiver) until closed. DTMF: offers RFC 4733 telephone-events at the
 * codec's clock rate, sends key presses ({@link #sendDtmf}) and hears them ({@link #onDtmf}, {@link #dtmfReceived}).
 * (Over 300 lines: one endpoint's SDP, send tick, receive loop and timeline; the RFC 4733 work is in
 * {@link DtmfSender} and {@link DtmfReceiver}.)
 */
public final class Softphone implements AutoCloseable {
    private static final int DYNAMIC_OPUS_PT = 111;
    /** The telephone-event payload type this softphone offers. */
    public static final int DTMF_PT = 101;

    private final AudioCodec codec;
    private final int payloadType;
    private final AudioSource source;
    private final DatagramChannel channel;
    private final String host;
    private final PcmRecorder recording = new PcmRecorder(AudioCodec.MIX_RATE);
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "softphone-send"));
    private Thread receiver;
    private volatile InetSocketAddress remote;
    private volatile boolean sending = true;
    private volatile long packetsSent;
    private volatile long packetsReceived;
    private static final long NANOS_PER_SAMPLE = 1_000_000_000L / AudioCodec.MIX_RATE;
    private volatile boolean timed;
    private volatile long leastOffset;
    private final boolean sendsDtmf;
    private final StringBuffer dtmfReceived = new StringBuffer();
    private volatile Consumer<DtmfTone> dtmfListener = t -> { };
    /** The telephone-event payload type of the server's answer, or -1 (set by {@link #start}). */
    private volatile int answerDtmfPt = -1;
    private volatile DtmfSender dtmfSender;
    private volatile boolean recordsAudio = true;

    /**
     * @param host   the local address to bind and advertise (e.g. 127.0.0.1)
     * @param source the audio to send at 48 kHz ({@link AudioCodec#MIX_RATE}), or null to send nothing (a listener)
     */
    public Softphone(String host, AudioCodec codec, AudioSource source) throws IOException {
        this(host, codec, source, false);
    }

    /**
     * @param sendsDtmf true to offer {@code sendrecv} even without a source, so key presses can be sent (a listener
     *                  otherwise offers {@code recvonly}, and the server takes nothing from it)
     */
    public Softphone(String host, AudioCodec codec, AudioSource source, boolean sendsDtmf) throws IOException {
        this.sendsDtmf = sendsDtmf;
        this.host = host;
        this.codec = codec;
        this.payloadType = codec.staticPayloadType() >= 0 ? codec.staticPayloadType() : DYNAMIC_OPUS_PT;
        if (source != null && source.sampleRate() != AudioCodec.MIX_RATE) {
            throw new IllegalArgumentException("the audio source must be " + AudioCodec.MIX_RATE + " Hz");
        }
        this.source = source;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress(host, 0));
    }

    public int localPort() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SDP offer: one sendrecv audio stream of this codec at 20 ms. */
    public String sdpOffer() {
        String direction = source == null && !sendsDtmf ? "recvonly" : "sendrecv";
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- ").append(System.nanoTime() & 0xffffffL).append(" 1 IN IP4 ").append(host).append("\r\n")
                .append("s=switchboard participant\r\n")
                .append("c=IN IP4 ").append(host).append("\r\n")
                .append("t=0 0\r\n")
                .append("m=audio ").append(localPort()).append(" RTP/AVP ").append(payloadType).append(' ')
                .append(DTMF_PT).append("\r\n")
                .append("a=rtpmap:").append(payloadType).append(' ').append(codec.rtpmap()).append("\r\n");
        if (codec == AudioCodec.OPUS) {
            sdp.append("a=fmtp:").append(payloadType).append(" minptime=20;useinbandfec=0\r\n");
        }
        sdp.append("a=rtpmap:").append(DTMF_PT).append(" telephone-event/").append(codec.clockRate()).append("\r\n")
                .append("a=fmtp:").append(DTMF_PT).append(" 0-16\r\n");
        return sdp.append("a=ptime:20\r\n").append("a=").append(direction).append("\r\n").toString();
    }

    /** Starts media towards the address of the SDP answer. */
    public void start(String sdpAnswer) {
        remote = remoteOf(sdpAnswer);
        answerDtmfPt = dtmfPayloadTypeOf(sdpAnswer, codec);
        if (answerDtmfPt >= 0) {
            dtmfSender = new DtmfSender(answerDtmfPt, codec.samplesPerFrame(), Runnable::run);
        }
        receiver = daemon(this::receiveLoop, "softphone-recv");
        receiver.start();
        if (source != null || sendsDtmf) {
            FrameEncoder encoder = codec.newEncoder();
            RtpStreamWriter stream = new RtpStreamWriter(payloadType, codec.samplesPerFrame());
            short[] frame = new short[AudioCodec.MIX_FRAME];
            byte[] packet = new byte[RtpPacket.HEADER_BYTES + encoder.maxPayloadBytes()];
            sender.scheduleAtFixedRate(() -> sendFrame(encoder, stream, frame, packet), 0, 20, TimeUnit.MILLISECONDS);
        }
        // RTCP receiver reports, as RFC 3550 peers send them: the server sends us nothing until our address has sent
        // it valid RTP or RTCP (latching), and a listener or a paused sender has no RTP to send
        sender.scheduleAtFixedRate(this::sendReceiverReport, 0, 2, TimeUnit.SECONDS);
    }

    /** An empty RTCP receiver report (RFC 3550 §6.4.2: V=2, RC=0, PT=201, length 1, our SSRC). */
    private void sendReceiverReport() {
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0x53, 0x57, 0x42, 0x44};
        try {
            channel.send(ByteBuffer.wrap(rr), remote);
        } catch (IOException ignored) {
            // the server is gone or the channel closed; the receiver side reports it
        }
    }

    private void sendFrame(FrameEncoder encoder, RtpStreamWriter stream, short[] frame, byte[] packet) {
        DtmfSender dtmf = dtmfSender;
        int event = dtmf == null ? 0 : dtmf.nextPacket(packet, stream);
        if (event > 0) {
            try {
                channel.send(ByteBuffer.wrap(packet, 0, event), remote);
                packetsSent++;
            } catch (IOException ignored) {
                // the server is gone or the channel closed; the receiver side reports it
            }
            return;
        }
        if (!sending || source == null) {
            stream.skipFrame();
            return;
        }
        source.nextFrame(frame);
        int length = encoder.encode(frame, packet, RtpPacket.HEADER_BYTES);
        if (length < 0) {
            stream.skipFrame();
            return;
        }
        stream.writeNextHeader(packet);
        try {
            channel.send(ByteBuffer.wrap(packet, 0, RtpPacket.HEADER_BYTES + length), remote);
            packetsSent++;
        } catch (IOException ignored) {
            // the server is gone or the channel closed; the receiver side reports it
        }
    }

    private void receiveLoop() {
        FrameDecoder decoder = codec.newDecoder();
        RtpPacket parsed = new RtpPacket();
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        short[] pcm = new short[AudioCodec.MIX_FRAME];
        int samplesPerTick = AudioCodec.MIX_RATE / codec.clockRate();
        Timeline timeline = new Timeline();
        DtmfReceiver dtmf = new DtmfReceiver(tone -> {
            dtmfReceived.append(tone.symbol());
            dtmfListener.accept(tone);
        });
        while (channel.isOpen()) {
            try {
                buffer.clear();
                channel.receive(buffer);
                if (parsed.parse(buffer.array(), buffer.position()) != RtpPacket.Kind.RTP) {
                    continue;
                }
                packetsReceived++;
                if (parsed.payloadType() == answerDtmfPt) {
                    dtmf.onPacket(parsed, buffer.array());
                    continue;
                }
                if (!recordsAudio) {
                    continue; // counted, not decoded or kept
                }
                decoder.decode(buffer.array(), parsed.payloadOffset(), parsed.payloadLength(), pcm);
                long position = timeline.position(parsed.ssrc(), parsed.timestamp(), recording.length(), samplesPerTick);
                long offset = System.nanoTime() / NANOS_PER_SAMPLE - position;
                if (!timed || offset < leastOffset) {
                    leastOffset = offset; // the packet that waited least: the best estimate of the stream's clock
                    timed = true;
                }
                recording.put((int) position, pcm, pcm.length);
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Maps RTP timestamps onto the recording's timeline, so lost packets leave silent gaps instead of shifting
     * everything after them. A new SSRC or a jump of more than 10 s starts again at the end of the recording.
     */
    static final class Timeline {
        private static final long MAX_JUMP_SAMPLES = 10L * AudioCodec.MIX_RATE;
        private boolean started;
        private int ssrc;
        private int lastTimestamp;
        private long lastPosition;

        long position(int packetSsrc, int timestamp, int recordingEnd, int samplesPerTick) {
            long delta = (long) (timestamp - lastTimestamp) * samplesPerTick;
            if (!started || packetSsrc != ssrc || Math.abs(delta) > MAX_JUMP_SAMPLES) {
                started = true;
                ssrc = packetSsrc;
                lastTimestamp = timestamp;
                lastPosition = recordingEnd;
                return lastPosition;
            }
            lastTimestamp = timestamp;
            lastPosition += delta;
            return lastPosition;
        }
    }

    /**
     * Where in {@link #recording()} the audio the server sends now will land: the recording's timeline follows the
     * stream's RTP clock, so this is the wall time now mapped through the packet that was read with the least delay.
     * On a busy machine the receiver may lag behind; audio sent before now (still in the socket) lands before it.
     */
    public int streamPositionNow() {
        int length = recording.length();
        if (!timed) {
            return length;
        }
        long now = System.nanoTime() / NANOS_PER_SAMPLE - leastOffset;
        return (int) Math.max(length, Math.min(now, Integer.MAX_VALUE));
    }

    /**
     * Sends key presses as RFC 4733 telephone-events in place of the audio (characters {@code 0-9 * # A-D}; others
     * are refused), {@code gapMillis} apart; {@code whenSent} hears true once the last end packet went out.
     *
     * @throws IllegalArgumentException for a character that is not a DTMF key
     * @throws IllegalStateException    before {@link #start}, or when the server's answer has no telephone-event
     */
    public void sendDtmf(String keys, int gapMillis, Consumer<Boolean> whenSent) {
        List<DtmfTone> tones = parseKeys(keys);
        DtmfSender dtmf = dtmfSender;
        if (dtmf == null) {
            throw new IllegalStateException("the server's SDP answer has no telephone-event: DTMF cannot be sent");
        }
        dtmf.enqueue(null, tones, gapMillis, outcome -> whenSent.accept(outcome == DtmfSender.Outcome.SENT));
    }

    /** The DTMF keys of a string such as {@code 1234#}. */
    public static List<DtmfTone> parseKeys(String keys) {
        List<DtmfTone> tones = new ArrayList<>(keys.length());
        for (char c : keys.toCharArray()) {
            DtmfTone t = c == '!' ? null : DtmfTone.ofSymbol(c);
            if (t == null) {
                throw new IllegalArgumentException("'" + c + "' is not a DTMF key (0-9, *, #, A-D)");
            }
            tones.add(t);
        }
        return tones;
    }

    /** Hears each key press received (on the receiver thread). */
    public void onDtmf(Consumer<DtmfTone> listener) {
        dtmfListener = listener;
    }

    /** Every key press received so far, as characters (e.g. {@code 1234#}). */
    public String dtmfReceived() {
        return dtmfReceived.toString();
    }

    /** True when the server's answer accepted telephone-events. */
    public boolean dtmfNegotiated() {
        return answerDtmfPt >= 0;
    }

    static int dtmfPayloadTypeOf(String sdpAnswer, AudioCodec codec) {
        for (SdpOffer.Media m : SdpOffer.parse(sdpAnswer).media()) {
            if (!"audio".equals(m.type())) {
                continue;
            }
            for (var e : m.rtpmaps().entrySet()) {
                if (e.getValue().trim().equalsIgnoreCase("telephone-event/" + codec.clockRate())) {
                    return e.getKey();
                }
            }
        }
        return -1;
    }

    /** Pauses or resumes sending, as a participant who stops talking would. */
    public void setSending(boolean on) {
        sending = on;
    }

    /**
     * Keeps nothing of what it receives from now on (packets are still counted): for load such as {@code switchboard
     * train}'s big rooms, where a recording per phone would fill the heap. Returns this softphone. Any thread.
     */
    public Softphone withoutRecording() {
        recordsAudio = false;
        return this;
    }

    /** Everything received so far, decoded at 48 kHz. */
    public PcmRecorder recording() {
        return recording;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    static InetSocketAddress remoteOf(String sdpAnswer) {
        try {
            SdpOffer answer = SdpOffer.parse(sdpAnswer);
            for (SdpOffer.Media m : answer.media()) {
                String address = m.connection() != null ? m.connection() : answer.sessionConnection();
                if ("audio".equals(m.type()) && m.port() > 0 && address != null) {
                    return new InetSocketAddress(address, m.port());
                }
            }
        } catch (SwitchboardException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "the server's SDP answer is not valid: " + e.getMessage());
        }
        throw new ToolException(ToolException.UNAVAILABLE, "the server's SDP answer has no audio address");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
        if (receiver != null) {
            try {
                receiver.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
