package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.G711;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.rtp.RtpPacket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PCMU leg's own encoder keeps its resampling filter's history from its last frame; when the leg's previous frame
 * came from the room's shared encoder (it stopped talking, then talks again) that history is not its stream's, and
 * the first frame it sends must not replay it. Real UDP to a loopback socket.
 */
class LegSenderContinuityTest {

    @Test
    void aLegBackOnItsOwnEncoderDoesNotReplayWhatThatEncoderLastSent() throws Exception {
        try (DatagramSocket ear = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ear.setSoTimeout(15_000);
            LegCounters counters = new LegCounters(new MediaCounters(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0));
            LegSender sender = new LegSender(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), ear.getLocalPort()),
                    AudioCodec.PCMU, 0, counters);
            AudioMixer mixer = new AudioMixer();
            short[] loud = constant(20000);
            short[] quiet = constant(300);

            mixer.begin(); // tick 1: the leg talks and hears a loud mix-minus through its own encoder
            sender.sendOwn(loud, mixer);
            receive(ear);
            mixer.begin(); // tick 2: it is quiet and hears the shared full mix
            mixer.add(quiet);
            sender.sendShared(mixer);
            receive(ear);
            mixer.begin(); // tick 3: it talks again: its own encoder, whose history is tick 1's loud mix
            sender.sendOwn(quiet, mixer);
            short[] heard = receive(ear);
            int q = G711.ulawToLinear(G711.linearToUlaw(300)); // 300 as µ-law gives it back
            assertThat(range(heard)).as("tick 3 as heard, lowest and highest").containsExactly(q, q);
            mixer.begin(); // tick 4 continues tick 3 on the same encoder
            sender.sendOwn(quiet, mixer);
            assertThat(range(receive(ear))).as("tick 4").containsExactly(q, q);
        }
    }

    /**
     * After a mute (the room calls {@link AudioMixer#restartEncoders()} when one was announced), no encoder's filter
     * history carries the muted audio into a later packet: the first frame of silence is heard as digital silence.
     * {@code MediaFuzzTest} checks the same through a real room.
     */
    @Test
    void aMuteRestartsTheSharedAndTheOwnEncodersSoNoHistoryOfTheMutedAudioIsSent() throws Exception {
        try (DatagramSocket ear = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket ownEar = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ear.setSoTimeout(15_000);
            ownEar.setSoTimeout(15_000);
            LegCounters counters = new LegCounters(new MediaCounters(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0));
            LegSender shared = new LegSender(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), ear.getLocalPort()),
                    AudioCodec.PCMU, 0, counters);
            LegSender own = new LegSender(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), ownEar.getLocalPort()),
                    AudioCodec.PCMU, 0, counters);
            AudioMixer mixer = new AudioMixer();
            short[] loud = constant(20000);
            mixer.begin(); // tick 1: a talker is heard, through the shared encoder and through an own one
            mixer.add(loud);
            shared.sendShared(mixer);
            own.sendOwn(loud, mixer);
            receive(ear);
            receive(ownEar);
            mixer.begin(); // tick 2: the talker was muted since: nothing to mix, and the room says a mute came
            mixer.restartEncoders();
            shared.sendShared(mixer);
            own.sendOwn(constant(0), mixer);
            assertThat(range(receive(ear))).as("the shared encoder's first frame after the mute").containsExactly(0, 0);
            assertThat(range(receive(ownEar))).as("an own encoder's first frame after the mute").containsExactly(0, 0);
        }
    }

    private static short[] constant(int v) {
        short[] s = new short[AudioCodec.MIX_FRAME];
        Arrays.fill(s, (short) v);
        return s;
    }

    /** The lowest and the highest sample. */
    private static int[] range(short[] pcm) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (short s : pcm) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        return new int[] {lo, hi};
    }

    /** The next packet's payload, decoded. */
    private static short[] receive(DatagramSocket ear) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        ear.receive(p);
        int n = p.getLength() - RtpPacket.HEADER_BYTES;
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = G711.ulawToLinear(p.getData()[RtpPacket.HEADER_BYTES + i]);
        }
        return pcm;
    }
}
