package dev.switchboard.bench;

import dev.switchboard.media.MediaRoom;
import dev.switchboard.media.RtpLeg;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.ivr.JobResult;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PlayJob;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.RecordJob;
import dev.switchboard.media.ivr.RecordingStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server side of bench/ivr-load, in its own JVM: an {@link RtpMediaEngine} with N calls, each one PCMU caller leg
 * (offering {@code 127.0.0.1:CALLER_PORT}) and the bot's service-hosted leg. Once every caller is heard it queues,
 * in every call, a playPrompt of one shared cached clip (PROMPT_S seconds, decoded once: no disk or network per play)
 * and then a recordResponse of RECORD_S seconds, exactly as IvrCalls does, and reports when all recordings ended.
 * usage: IvrLoadServer CALLS CALLER_PORT PROMPT_S RECORD_S PORT_LOW PORT_HIGH. Protocol on stdout: {@code PORTS p,p,...},
 * then {@code RESULT key=value ...}; it starts the jobs when a line {@code GO} arrives on stdin.
 */
public final class IvrLoadServer {
    private IvrLoadServer() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        int callerPort = Integer.parseInt(args[1]);
        int promptSeconds = Integer.parseInt(args[2]);
        int recordSeconds = Integer.parseInt(args[3]);
        RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                new SimpleMeterRegistry());
        long heapBefore = heap();
        List<MediaRoom> rooms = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=caller\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + callerPort
                + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
        for (int i = 0; i < calls; i++) {
            MediaRoom room = engine.openRoom("call-" + i);
            RtpLeg leg = (RtpLeg) room.addLeg("caller-" + i, offer, java.net.InetAddress.getLoopbackAddress());
            room.addServerLeg("bot-" + i);
            rooms.add(room);
            ports.append(i == 0 ? "" : ",").append(leg.localPort());
        }
        System.out.println("PORTS " + ports);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (!"GO".equals(in.readLine())) {
            Thread.onSpinWait();
        }
        // a 400 Hz prompt at 48 kHz, decoded once and shared by every call, as the prompt cache shares it
        PcmClip prompt = PcmClip.tone(400, promptSeconds * 1000);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ivr-load-recordings");
        RecordingStore store = new RecordingStore(dir, 1L << 32, java.time.Duration.ofHours(1), java.time.Clock.systemUTC());
        CountDownLatch done = new CountDownLatch(calls);
        ConcurrentLinkedQueue<JobResult> recordings = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> playEndings = new ConcurrentLinkedQueue<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long ticks0 = engine.stats().ticks();
        long late0 = engine.stats().lateTicks();
        long wall0 = System.nanoTime();
        boolean baseline = Boolean.getBoolean("ivrload.baseline");
        LateTickTimeline timeline = LateTickTimeline.start(engine);
        MixerCostProbe probe = new MixerCostProbe();
        if (baseline) { // the same calls and callers, no IVR jobs: what the machine and the mixer cost without them
            Thread.sleep((promptSeconds + recordSeconds) * 1000L);
            for (int i = 0; i < calls; i++) {
                done.countDown();
            }
        }
        for (MediaRoom room : baseline ? List.<MediaRoom>of() : rooms) {
            room.ivr().enqueue(new PlayJob(List.of(PromptSlot.of(prompt)), r -> playEndings.add(r.ending().name())));
            room.ivr().enqueue(new RecordJob(List.of(), null, "", 120_000, 120_000, recordSeconds * 1000, store.spool(), r -> {
                recordings.add(r);
                done.countDown();
            }));
        }
        boolean all = done.await(120, TimeUnit.SECONDS);
        timeline.stop();
        String costs = probe.report(calls); // before the heap measurement's own collections
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        long ticks = engine.stats().ticks() - ticks0;
        long late = engine.stats().lateTicks() - late0;
        // every call alive, every recording finished (on disk, as the server keeps them)
        long heapDuring = heap();
        long expectedFrames = (long) recordSeconds * 50 * calls;
        long frames = 0;
        long voiced = 0;
        long diskBytes = 0;
        long[] silentBySecond = new long[Math.max(1, recordSeconds)]; // where in the recordings the silent frames are
        for (JobResult r : recordings) { // every file complete, as the bot would download it
            short[] s = r.recording().readPcm();
            diskBytes += 44 + 2L * s.length;
            for (int f = 0; f + 320 <= s.length; f += 320) {
                frames++;
                long e = 0;
                for (int i = f; i < f + 320; i++) {
                    e += (long) s[i] * s[i];
                }
                if (e >= 328L * 328 * 320) {
                    voiced++;
                } else {
                    silentBySecond[Math.min(silentBySecond.length - 1, f / 16000)]++;
                }
            }
        }
        System.out.println("silent recorded frames by second of the recording: " + java.util.Arrays.toString(silentBySecond));
        System.out.println("late ticks (+count@seconds after GO; 100 rooms per mixer thread): " + timeline.summary());
        double latePercent = ticks == 0 ? 0 : 100.0 * late / ticks;
        boolean met = all && latePercent <= 0.1 && (baseline || frames == expectedFrames && voiced == frames);
        System.out.printf(java.util.Locale.ROOT, "RESULT verdict=%s baseline=%s calls=%d allEnded=%s playsCompleted=%d cpuMsPerCallPerSecond=%.3f "
                        + "cpuPercentOfOneCore=%.1f wallSeconds=%.1f heapBytesPerCall=%d recordingBytesOnDiskPerCall=%d ticks=%d lateTicks=%d latePercent=%.4f "
                        + "recordedFrames=%d expectedFrames=%d silentRecordedFrames=%d packetsIn=%d droppedQueueFull=%d droppedLate=%d %s loadAverage=%.2f%n",
                met ? "TARGET_MET" : "TARGET_MISSED", baseline, calls, all, playEndings.stream().filter("COMPLETED"::equals).count(),
                cpu / 1e6 / calls / (wall / 1e9), 100.0 * cpu / wall, wall / 1e9, (heapDuring - heapBefore) / calls,
                recordings.isEmpty() ? 0 : diskBytes / calls, ticks, late, latePercent, frames, expectedFrames, frames - voiced, engine.stats().packetsIn(),
                engine.stats().dropped(dev.switchboard.media.DropReason.QUEUE_FULL),
                engine.stats().dropped(dev.switchboard.media.DropReason.LATE), costs, os.getSystemLoadAverage());
        System.out.flush();
        engine.close();
        store.close();
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                java.nio.file.Files.delete(f);
            }
        }
        java.nio.file.Files.delete(dir);
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
