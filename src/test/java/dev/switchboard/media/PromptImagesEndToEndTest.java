package dev.switchboard.media;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameDecoder;
import dev.switchboard.media.codec.OpusEncoderSettings;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PlayJob;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ToneAnalysis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A prompt below 48 kHz as an Opus listener hears it, over real UDP: the bot plays a tone at 8 or 16 kHz, the room
 * renders it at 48 kHz and encodes it for the listener ({@code janus} preset: fullband, so what the rendering leaves up
 * to 20 kHz is heard), and the listener's decoded audio holds the tone and not its image at rate − tone. With the
 * linear interpolation used until session 23 the image was 4 dB below the tone; {@code PromptResamplingTest} measures
 * the rendering alone.
 */
class PromptImagesEndToEndTest {
    private RtpMediaEngine engine;
    private RtpPeer listener;

    @AfterEach
    void tearDown() {
        if (listener != null) {
            listener.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest(name = "a {0} Hz prompt's {1} Hz tone")
    @CsvSource({"8000, 3000", "16000, 6000"})
    void anOpusListenerHearsThePromptsToneAndNotItsImage(int rate, int hz) {
        int[] range = MediaPorts.nextRange(10);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], new SimpleMeterRegistry());
        engine.useOpusEncoder(OpusEncoderSettings.JANUS);
        MediaRoom room = engine.openRoom("prompt-images");
        listener = new RtpPeer("127.0.0.1");
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=images\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + listener.port() + " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=ptime:20\r\na=sendrecv\r\n";
        RtpLeg leg = (RtpLeg) room.addLeg("listener", sdp, InetAddress.getLoopbackAddress());
        listener.sendReceiverReport(leg.localPort());
        await().atMost(Duration.ofSeconds(10)).until(leg::latched);

        short[] tone = new short[rate * 4];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) Math.round(8192 * Math.sin(2 * Math.PI * hz * i / rate)); // −12 dBFS
        }
        room.ivr().enqueue(new PlayJob(List.of(PromptSlot.of(new PcmClip(tone, rate))), r -> { }));

        FrameDecoder decoder = AudioCodec.OPUS.newDecoder();
        short[] pcm = new short[AudioCodec.MIX_FRAME];
        int frames = 50; // 1 s of the prompt, from 200 ms after it is first heard
        double[] heard = new double[frames * AudioCodec.MIX_FRAME];
        int playing = 0;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (playing < 10 + frames) {
            assertThat(System.nanoTime() - deadline).as("the prompt was heard for 1.2 s").isNegative();
            RtpPeer.Packet p = listener.receive(100);
            if (p == null) {
                continue;
            }
            decoder.decode(p.payload(), 0, p.payload().length, pcm);
            if (playing == 0 && peak(pcm) < 4000) {
                continue; // not started yet
            }
            if (playing >= 10) {
                for (int i = 0; i < pcm.length; i++) {
                    heard[(playing - 10) * pcm.length + i] = pcm[i] / 32768.0;
                }
            }
            playing++;
        }
        decoder.close();
        double at = ToneAnalysis.db(ToneAnalysis.goertzel(heard, 0, heard.length, AudioCodec.MIX_RATE, hz, true));
        double image = ToneAnalysis.db(ToneAnalysis.goertzel(heard, 0, heard.length, AudioCodec.MIX_RATE, rate - hz, true));
        double beyond = ToneAnalysis.db(ToneAnalysis.goertzel(heard, 0, heard.length, AudioCodec.MIX_RATE, rate + hz, true));
        System.out.printf("%d Hz prompt: %d Hz heard at %.1f dBFS, its image at %d Hz %.1f dBFS, at %d Hz %.1f dBFS%n", rate, hz,
                at, rate - hz, image, rate + hz, beyond);
        assertThat(at).as("the tone").isBetween(-15.0, -9.0);
        assertThat(image - at).as("its image at %d Hz, dB below it", rate - hz).isLessThan(-45);
        assertThat(beyond - at).as("its image at %d Hz, dB below it", rate + hz).isLessThan(-45);
    }

    private static int peak(short[] pcm) {
        int p = 0;
        for (short s : pcm) {
            p = Math.max(p, Math.abs(s));
        }
        return p;
    }
}
