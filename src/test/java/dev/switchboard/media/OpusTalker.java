package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.testsupport.RtpPeer;

import java.util.concurrent.locks.LockSupport;

/** A peer that talks Opus (payload type 111): a sum of sines, encoded in the test, sent every 20 ms from a thread. */
final class OpusTalker implements AutoCloseable {
    static final int PAYLOAD_TYPE = 111;
    private volatile boolean running = true;
    private final Thread thread;

    /** Each tone at peak {@code amplitude} (of 32768), encoded with {@code settings}. */
    OpusTalker(RtpPeer peer, int toPort, OpusEncoderSettings settings, int amplitude, double... hz) {
        FrameEncoder encoder = AudioCodec.OPUS.newEncoder(settings);
        this.thread = Thread.ofPlatform().daemon(true).name("opus-talker").start(() -> {
            byte[] out = new byte[encoder.maxPayloadBytes()];
            short[] pcm = new short[AudioCodec.MIX_FRAME];
            long next = System.nanoTime();
            for (int frame = 0; running; frame++) {
                for (int i = 0; i < pcm.length; i++) {
                    double t = (double) (frame * pcm.length + i) / AudioCodec.MIX_RATE;
                    double v = 0;
                    for (double f : hz) {
                        v += Math.sin(2 * Math.PI * f * t);
                    }
                    pcm[i] = (short) Math.round(amplitude * v);
                }
                int n = encoder.encode(pcm, out, 0);
                peer.sendRaw(toPort, RtpPeer.rtp(PAYLOAD_TYPE, frame & 0xFFFF, frame * AudioCodec.MIX_FRAME, 0x0B05,
                        java.util.Arrays.copyOf(out, n)));
                next += 20_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            encoder.close();
        });
    }

    /** An SDP offer of Opus receiving on {@code peer}'s socket. */
    static String offer(RtpPeer peer) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=opus\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + peer.port() + " RTP/AVP " + PAYLOAD_TYPE + "\r\na=rtpmap:111 opus/48000/2\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2_000);
    }
}
