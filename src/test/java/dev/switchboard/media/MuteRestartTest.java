package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.G711;
import dev.switchboard.media.codec.OpusCodecs;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.codec.OpusLibrary;
import dev.switchboard.media.mix.AudioMixer;
import dev.switchboard.media.mix.MixBuffers;
import dev.switchboard.media.rtp.RtpPacket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The zero-leak rule at the encoders, tick by tick: after a mute ({@link AudioMixer#restartEncoders()}, which the room
 * calls when one was announced between ticks or between two sends of a tick), no packet any encoder of the room sends
 * carries audio it was given before the mute — whether the encoder sends next in the mute's tick, the tick after, or
 * ticks later (a leg's own encoder idle while its leg was silent). Every packet after the mute is decoded by a fresh
 * decoder (nothing of the stream before the mute) and must be silence: peak at most {@link #SILENT_PEAK}. For every
 * codec and both Opus implementations and presets; real UDP to loopback sockets. {@code OpusZeroLeakTest} checks the
 * same through a real room.
 */
class MuteRestartTest {
    /**
     * What a restarted encoder's silence decodes to, with margin: 0 for G.711 and CELT-only Opus, at most 2 (−84 dBFS) for
     * the {@code janus} preset's SILK (measured: a restarted encoder is byte-for-byte a new one). Without the restart the
     * first Opus packet after the mute decoded to a −8 to 0 dBFS peak of the muted tone, and CELT's later packets still
     * to −52 to −76 dBFS (its energy prediction); G.711's to the tone's last 1.7 ms.
     */
    static final int SILENT_PEAK = 4;
    private static final int LOUD = 20_000;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final OpusLibrary before = OpusCodecs.current().requested();
    private final LegCounters counters = new LegCounters(new MediaCounters(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0));
    private DatagramChannel channel;
    private String library;
    private AudioCodec codec;
    private OpusEncoderSettings preset;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        OpusCodecs.use(before);
    }

    /** {@code pcmu}, or {@code library/preset} for Opus. */
    private void use(String which) throws Exception {
        String[] p = which.split("/");
        library = p[0];
        if (p.length == 1) {
            codec = AudioCodec.PCMU;
            preset = OpusEncoderSettings.SWITCHBOARD;
        } else {
            codec = AudioCodec.OPUS;
            preset = OpusEncoderSettings.preset(p[1]);
            OpusLibrary lib = OpusLibrary.parse(p[0]);
            if (lib == OpusLibrary.LIBOPUS) {
                assumeTrue(libopusAvailable(), "libopus through the FFM API is not available here (JDK 22+ and libopus0)");
            }
            OpusCodecs.use(lib);
        }
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closeables.add(channel);
    }

    static boolean libopusAvailable() {
        try {
            return OpusCodecs.select(OpusLibrary.LIBOPUS).isNative();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcmu", "concentus/switchboard", "concentus/janus", "libopus/switchboard", "libopus/janus"})
    void aMuteBetweenTicksRestartsTheSharedAndTheOwnEncoders(String which) throws Exception {
        use(which);
        AudioMixer mixer = mixer();
        Ear shared = ear();
        Ear own = ear(); // a talker hearing the muted one through its own encoder (its mix-minus)
        for (int t = 0; t < 20; t++) {
            mixer.begin();
            mixer.add(tone(t, 1000));
            shared.sender.sendShared(mixer);
            own.sender.sendOwn(tone(t, 1000), mixer);
        }
        shared.muteNow();
        own.muteNow();
        for (int t = 0; t < 10; t++) {
            mixer.begin();
            if (t == 0) {
                mixer.restartEncoders(); // the room saw a mute announced since the last tick
            }
            shared.sender.sendShared(mixer);
            own.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer);
        }
        shared.expectSilenceSinceMute(library, codec, "the shared encoder");
        own.expectSilenceSinceMute(library, codec, "an own encoder");
    }

    /**
     * The mute lands after this tick's sends: the encoders next encode in the tick after, which continues this one (the
     * restart must not be only for the rest of the mute's tick).
     */
    @ParameterizedTest
    @ValueSource(strings = {"pcmu", "concentus/switchboard", "concentus/janus", "libopus/switchboard", "libopus/janus"})
    void aMuteAfterATicksLastSendRestartsTheEncodersOfTheNextTick(String which) throws Exception {
        use(which);
        AudioMixer mixer = mixer();
        Ear shared = ear();
        Ear own = ear();
        for (int t = 0; t < 20; t++) {
            mixer.begin();
            mixer.add(tone(t, 1000));
            shared.sender.sendShared(mixer);
            own.sender.sendOwn(tone(t, 1000), mixer);
        }
        mixer.remove(tone(19, 1000)); // the talker is muted after the last send of its tick
        mixer.restartEncoders();
        shared.muteNow();
        own.muteNow();
        for (int t = 0; t < 10; t++) {
            mixer.begin();
            shared.sender.sendShared(mixer);
            own.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer);
        }
        shared.expectSilenceSinceMute(library, codec, "the shared encoder");
        own.expectSilenceSinceMute(library, codec, "an own encoder");
    }

    /** The mute lands between two sends of a tick: the later sends of that tick are already silence. */
    @ParameterizedTest
    @ValueSource(strings = {"pcmu", "concentus/switchboard", "concentus/janus", "libopus/switchboard", "libopus/janus"})
    void aMuteBetweenTwoSendsOfATickRestartsTheEncodersOfTheLaterSends(String which) throws Exception {
        use(which);
        AudioMixer mixer = mixer();
        Ear sharedBefore = ear();
        Ear ownBefore = ear();
        Ear sharedAfter = ear();
        Ear ownAfter = ear();
        for (int t = 0; t < 21; t++) {
            mixer.begin();
            mixer.add(tone(t, 1000));
            sharedBefore.sender.sendShared(mixer);
            ownBefore.sender.sendOwn(tone(t, 1000), mixer);
            if (t == 20) { // the mute lands here
                mixer.remove(tone(t, 1000));
                mixer.restartEncoders();
                sharedBefore.muteNow();
                ownBefore.muteNow();
                sharedAfter.muteNow();
                ownAfter.muteNow();
                sharedAfter.sender.sendShared(mixer);
                ownAfter.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer);
            } else {
                sharedAfter.sender.sendShared(mixer);
                ownAfter.sender.sendOwn(tone(t, 1000), mixer);
            }
        }
        for (int t = 0; t < 10; t++) {
            mixer.begin();
            sharedBefore.sender.sendShared(mixer);
            ownBefore.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer);
            sharedAfter.sender.sendShared(mixer);
            ownAfter.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer);
        }
        sharedBefore.expectSilenceSinceMute(library, codec, "the shared encoder, after a send before the mute");
        ownBefore.expectSilenceSinceMute(library, codec, "an own encoder that sent before the mute");
        sharedAfter.expectSilenceSinceMute(library, codec, "the shared encoder, re-encoded after the mute");
        ownAfter.expectSilenceSinceMute(library, codec, "an own encoder that sent after the mute");
    }

    /**
     * A leg talked (its own encoder heard the other talker), fell silent (it heard the shared encoder), the other talker
     * was muted, and the leg talks again: its own encoder, idle through the mute, must not go on from its history.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pcmu", "concentus/switchboard", "concentus/janus", "libopus/switchboard", "libopus/janus"})
    void anOwnEncoderIdleThroughTheMuteRestartsWhenItsLegTalksAgain(String which) throws Exception {
        use(which);
        AudioMixer mixer = mixer();
        Ear leg = ear();
        for (int t = 0; t < 10; t++) {
            mixer.begin();
            mixer.add(tone(t, 1000));
            leg.sender.sendOwn(tone(t, 1000), mixer); // it talks too: its mix-minus is the other talker
        }
        for (int t = 10; t < 15; t++) {
            mixer.begin();
            mixer.add(tone(t, 1000));
            leg.sender.sendShared(mixer); // it is silent: it hears the full mix
        }
        leg.muteNow();
        mixer.begin();
        mixer.restartEncoders(); // the other talker was muted
        leg.sender.sendShared(mixer);
        for (int t = 0; t < 10; t++) {
            mixer.begin();
            leg.sender.sendOwn(new short[AudioCodec.MIX_FRAME], mixer); // it talks again: nobody else to hear
        }
        leg.expectSilenceSinceMute(library, codec, "the shared encoder, then an own encoder idle through the mute");
    }

    private AudioMixer mixer() {
        return new AudioMixer(preset, new MixBuffers());
    }

    private Ear ear() throws Exception {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(15_000);
        closeables.add(socket);
        int payloadType = codec == AudioCodec.OPUS ? 111 : 0;
        LegSender sender = new LegSender(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()),
                codec, payloadType, -1, null, counters, preset);
        return new Ear(socket, sender);
    }

    /** A tone of {@code hz} at −4 dBFS, phase-continuous over ticks. */
    static short[] tone(int tick, double hz) {
        short[] s = new short[AudioCodec.MIX_FRAME];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(LOUD * Math.sin(2 * Math.PI * hz * (tick * s.length + i) / AudioCodec.MIX_RATE));
        }
        return s;
    }

    /** A listener's socket and the leg sender that sends to it. */
    private static final class Ear {
        final DatagramSocket socket;
        final LegSender sender;

        Ear(DatagramSocket socket, LegSender sender) {
            this.socket = socket;
            this.sender = sender;
        }

        /**
         * Reads and drops every packet sent so far: what went out before the mute. Loopback UDP delivers a datagram
         * into the socket's queue within the send, and this thread made every send, so the queue holds all of them.
         */
        void muteNow() throws Exception {
            socket.setSoTimeout(20);
            try {
                while (true) {
                    next();
                }
            } catch (java.net.SocketTimeoutException e) {
                // all read
            } finally {
                socket.setSoTimeout(15_000);
            }
        }

        private byte[] next() throws Exception {
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            socket.receive(p);
            return java.util.Arrays.copyOfRange(p.getData(), RtpPacket.HEADER_BYTES, p.getLength());
        }

        /** Every packet sent since {@link #muteNow()}, decoded by a fresh decoder, is silence. */
        void expectSilenceSinceMute(String library, AudioCodec codec, String what) throws Exception {
            FrameDecoder decoder = codec == AudioCodec.OPUS ? OpusCodecs.current().newDecoder() : null;
            short[] pcm = new short[AudioCodec.MIX_FRAME];
            List<Integer> peaks = new ArrayList<>();
            socket.setSoTimeout(200);
            try {
                while (true) {
                    byte[] payload = next();
                    peaks.add(peak(decoder, payload, pcm));
                }
            } catch (java.net.SocketTimeoutException e) {
                // all read
            }
            if (decoder != null) {
                decoder.close();
            }
            assertThat(peaks).as("%s, %s: packets after the mute", library, what).hasSizeGreaterThanOrEqualTo(10);
            assertThat(peaks).as("%s, %s: the peak of each packet after the mute, decoded from scratch (of 32767)", library, what)
                    .allMatch(p -> p <= SILENT_PEAK);
        }
    }

    /** The packet's peak decoded ({@code decoder} null: PCMU). */
    static int peak(FrameDecoder decoder, byte[] payload, short[] pcm) {
        int peak = 0;
        if (decoder == null) {
            for (byte b : payload) {
                peak = Math.max(peak, Math.abs(G711.ulawToLinear(b)));
            }
            return peak;
        }
        decoder.decode(payload, 0, payload.length, pcm);
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }
}
