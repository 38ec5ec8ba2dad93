package dev.switchboard.media;

import dev.switchboard.media.ivr.Ending;
import dev.switchboard.media.ivr.JobResult;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PlayJob;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.RecordJob;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.ToneAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixer thread lends the bot's side of the tick (the prompt frame it plays, the sum a recording hears) to every
 * room it ticks, one after the other, as it lends the mixing arrays: two calls on one thread, each with a prompt
 * playing, must each hear only their own prompt and talker, and a recording in one must hold only its own call.
 */
class IvrOnASharedMixerThreadTest {
    private final TonePeers rig = new TonePeers();

    @AfterEach
    void close() throws Exception {
        rig.close();
    }

    @Test
    void twoCallsOnOneMixerThreadEachHearAndRecordOnlyTheirOwnPromptAndVoices(@TempDir Path dir) throws Exception {
        RtpRoom[] shared = rig.twoRoomsOnOneMixerThread("call-ivr-");
        RtpRoom a = shared[0];
        RtpRoom b = shared[1];
        RtpPeer talkerA = rig.peer(), listenerA = rig.peer(), talkerB = rig.peer(), listenerB = rig.peer();
        RtpLeg ta = rig.join(a, "ta", talkerA);
        rig.join(a, "la", listenerA);
        RtpLeg tb = rig.join(b, "tb", talkerB);
        rig.join(b, "lb", listenerB);
        talkerA.startTone(ta.localPort(), 1500, 6000);
        talkerB.startTone(tb.localPort(), 2000, 6000);

        try (RecordingStore store = new RecordingStore(dir, 1 << 24, Duration.ofMinutes(5), Clock.systemUTC())) {
            BlockingQueue<JobResult> recorded = new ArrayBlockingQueue<>(1);
            a.ivr().enqueue(new PlayJob(List.of(PromptSlot.of(PcmClip.tone(700, 30_000))), r -> { }));
            // b: a 1200 Hz prompt long enough to check (b first, while it plays), then 3 s of what b's bot hears
            b.ivr().enqueue(new RecordJob(List.of(PromptSlot.of(PcmClip.tone(1200, 6_000))), null, "", 5_000, 5_000,
                    3_000, store.spool(), recorded::add));
            TonePeers.awaitHearing(listenerB, 1200);
            rig.expectPackets(listenerB, 30, new double[] {1200, 2000}, new double[] {700, 1500});
            TonePeers.awaitHearing(listenerA, 700);
            rig.expectPackets(listenerA, 30, new double[] {700, 1500}, new double[] {1200, 2000});

            JobResult r = recorded.poll(30, TimeUnit.SECONDS);
            assertThat(r).as("b's recording ended").isNotNull();
            assertThat(r.ending()).isEqualTo(Ending.MAX_DURATION);
            Path wav = r.recording().awaitFile();
            assertThat(ToneAnalysis.durationSeconds(wav)).isBetween(2.9, 3.1);
            assertThat(ToneAnalysis.levelDbfs(wav, 2000)).as("b's talker").isGreaterThan(ToneAnalysis.PRESENT_DBFS);
            for (double other : new double[] {700, 1500, 1200}) {
                assertThat(ToneAnalysis.levelDbfs(wav, other)).as("%s Hz: a's prompt, a's talker, b's own prompt", other)
                        .isLessThan(ToneAnalysis.ABSENT_DBFS);
            }
        }
    }
}
