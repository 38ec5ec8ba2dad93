package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.G711;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of {@code bench/mute-under-load}: N plain-RTP legs (one room, or rooms of K), every one talking, against
 * Switchboard ({@code --target switchboard}) or Janus AudioBridge ({@code --target janus}), measuring in the same run
 * the server's CPU per participant (utime+stime from /proc), its RSS (and, for Switchboard, heap and late ticks), the
 * packet rate at one listening leg per room, the mute round trip (real HTTP; for Switchboard the Graph API with a real
 * token), and at the listener of a PCMU probe room: mute → last tone (negative = before the answer; any tone after it
 * is a leak) and unmute → first tone.
 *
 * <p>Two mute streams run during the window: the probe room's talker, unmuted and muted every 250 ms (the audible
 * figures), and the first talker of the first loaded room muted and unmuted every 50 ms from a second connection
 * (round-trip samples in the busy room itself: its tick, its roster).
 * Before the window: warm-up seconds and {@code --warmup-mutes} mute/unmute pairs, then {@code --settle} seconds
 * (default 3; 0 measures as sessions 1–6 did) so the work the warm-up burst left behind (its roster notifications, the
 * collections they cause) is done before the window opens: the window measures the named load, not the warm-up's
 * aftermath (docs/benchmarks.md, "Issue 17, late ticks in one big room (session 7)").
 *
 * <p>usage: MuteUnderLoad --target switchboard|janus --url URL --server-pid PID --codec PCMU|OPUS --legs N
 * --room-size K [--seconds 30] [--warmup 5] [--warmup-mutes 200] [--settle 3]
 */
public final class MuteUnderLoad {
    private MuteUnderLoad() {
    }

    static String offer(String codec, int port) {
        int pt = payloadType(codec);
        String map = codec.equals("OPUS") ? "opus/48000/2" : "PCMU/8000";
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=load\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP " + pt + "\r\na=rtpmap:" + pt + " " + map + "\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    static int payloadType(String codec) {
        return codec.equals("OPUS") ? 111 : 0;
    }

    /** A participant of the load: its own socket (sends from and receives at the port the server was given). */
    private record Peer(DatagramChannel channel, InetSocketAddress server, int payloadType, byte[][] frames, int ssrc) {
    }

    public static void main(String[] args) throws Exception {
        String targetName = arg(args, "--target", "switchboard");
        URI url = URI.create(arg(args, "--url", "http://127.0.0.1:8080"));
        long pid = Long.parseLong(arg(args, "--server-pid", "0"));
        String codec = arg(args, "--codec", "PCMU");
        int legs = Integer.parseInt(arg(args, "--legs", "100"));
        int roomSize = Integer.parseInt(arg(args, "--room-size", String.valueOf(legs)));
        double seconds = Double.parseDouble(arg(args, "--seconds", "30"));
        double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
        int warmupMutes = Integer.parseInt(arg(args, "--warmup-mutes", "200"));
        double settle = Double.parseDouble(arg(args, "--settle", "3"));
        try (LoadTarget target = targetName.equals("janus") ? JanusLoadTarget.connect(url) : SwitchboardLoadTarget.connect(url)) {
            run(target, targetName, pid, codec, legs, roomSize, seconds, warmup, warmupMutes, settle);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // the sender thread must not keep a failed run alive
        }
        System.exit(0);
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    private static void run(LoadTarget target, String targetName, long pid, String codec, int legs, int roomSize,
                            double seconds, double warmup, int warmupMutes, double settle) throws Exception {
        AudioCodec c = AudioCodec.valueOf(codec);
        byte[][] tones = trimmed(EncodedTones.of(c, 8));
        byte[][] pcmuTone = trimmed(EncodedTones.of(AudioCodec.PCMU, 1));
        byte[][] pcmuSilence = {new byte[160]};
        java.util.Arrays.fill(pcmuSilence[0], (byte) 0xFF);
        List<Peer> peers = new ArrayList<>();
        Selector selector = Selector.open();
        List<Listener> listeners = new ArrayList<>();
        long t0 = System.nanoTime();
        int rooms = (legs + roomSize - 1) / roomSize;
        int done = 0;
        LoadTarget.Leg firstOfRoom0 = null;
        for (int r = 0; r < rooms; r++) {
            int size = Math.min(roomSize, legs - done);
            LoadTarget.Leg first = null;
            for (int i = 0; i < size; i++) {
                DatagramChannel ch = open();
                int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                LoadTarget.Leg leg = i == 0 ? (first = target.openRoom("r" + r, codec, port)) : target.join(first, i, codec, port);
                if (firstOfRoom0 == null) {
                    firstOfRoom0 = leg;
                }
                peers.add(new Peer(ch, new InetSocketAddress("127.0.0.1", leg.serverPort()), payloadType(codec),
                        new byte[][] {tones[(done + i) % tones.length]}, done + i + 1));
                if (i == size - 1) {
                    Listener l = new Listener(false);
                    ch.register(selector, SelectionKey.OP_READ, l);
                    listeners.add(l);
                }
            }
            done += size;
        }
        // the probe room (timed listener on its own thread) and the round-trip room, both PCMU
        DatagramChannel probeTalker = open();
        LoadTarget.Leg probe = target.openRoom("probe", "PCMU", port(probeTalker));
        DatagramChannel probeEar = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        LoadTarget.Leg earLeg = target.join(probe, 1, "PCMU", port(probeEar)); // the listener (sends silence)
        DatagramChannel probeThird = open();
        LoadTarget.Leg third = target.join(probe, 2, "PCMU", port(probeThird));
        peers.add(new Peer(probeTalker, new InetSocketAddress("127.0.0.1", probe.serverPort()), 0, pcmuTone, 0x7000_0001));
        peers.add(new Peer(probeThird, new InetSocketAddress("127.0.0.1", third.serverPort()), 0, pcmuSilence, 0x7000_0003));
        peers.add(new Peer(probeEar, new InetSocketAddress("127.0.0.1", earLeg.serverPort()), 0, pcmuSilence, 0x7000_0002));
        LoadTarget.Leg rt = firstOfRoom0; // the round-trip mutes hit the loaded room itself (its first leg, a talker)
        System.out.printf(Locale.ROOT, "set up %d rooms, %d legs (+3 probe legs) in %.1f s%n", rooms, legs, (System.nanoTime() - t0) / 1e9);
        Listener ear = new Listener(true);
        Thread earThread = Thread.ofPlatform().daemon(true).name("probe-ear").start(() -> listen(probeEar, ear));
        Sender sender = new Sender(peers);
        Thread senderThread = Thread.ofPlatform().name("load-sender").start(sender);
        Thread receiverThread = Thread.ofPlatform().daemon(true).name("load-receiver").start(() -> receive(selector));

        Thread.sleep((long) (warmup * 1000));
        try (LoadTarget second = target.forkControl()) {
            for (int i = 0; i < warmupMutes; i++) {
                second.setMuted(rt, true);
                second.setMuted(rt, false);
            }
        }
        Thread.sleep((long) (settle * 1000));
        target.setMuted(probe, false); // the probe's connection was idle through the warm-up (a no-op: it is unmuted)
        listeners.forEach(Listener::reset);
        String figures0 = target.serverFigures();
        long cpu0 = cpuTicks(pid);
        long[] client0 = clientFigures();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Double> roundTrips = Collections.synchronizedList(new ArrayList<>());
        Thread rtThread = Thread.ofPlatform().name("rt-mutes").start(() -> {
            try (LoadTarget second = target.forkControl()) {
                boolean muted = false;
                long next = System.nanoTime();
                while (System.nanoTime() < end - 200_000_000L) {
                    muted = !muted;
                    long s = System.nanoTime();
                    second.setMuted(rt, muted);
                    roundTrips.add((System.nanoTime() - s) / 1e6);
                    next += 50_000_000L;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<Double> toSilence = new ArrayList<>();
        List<Double> toTone = new ArrayList<>();
        int leaks = 0;
        int unheard = 0;
        while (System.nanoTime() < end - 700_000_000L) {
            long s = System.nanoTime();
            ear.firstToneAfter(s);
            target.setMuted(probe, false);
            roundTrips.add((System.nanoTime() - s) / 1e6);
            Thread.sleep(250);
            long heard = ear.firstTone;
            if (heard == 0) {
                unheard++;
            } else {
                toTone.add((heard - s) / 1e6);
            }
            s = System.nanoTime();
            target.setMuted(probe, true);
            long answered = System.nanoTime();
            roundTrips.add((answered - s) / 1e6);
            Thread.sleep(250);
            long last = ear.lastToneNanos;
            toSilence.add((last - answered) / 1e6);
            if (last > answered) {
                leaks++;
            }
        }
        rtThread.join();
        while (System.nanoTime() < end) {
            Thread.sleep(10);
        }
        long wall = System.nanoTime() - start;
        long cpu1 = cpuTicks(pid);
        long[] client1 = clientFigures();
        String figures1 = target.serverFigures();
        double rate = Double.MAX_VALUE;
        double rateSum = 0;
        for (Listener l : listeners) {
            double pps = l.received / (wall / 1e9);
            rate = Math.min(rate, pps);
            rateSum += pps;
        }
        sender.running = false;
        senderThread.join();
        receiverThread.interrupt();
        earThread.interrupt();

        double cores = (cpu1 - cpu0) / 100.0 / (wall / 1e9);
        int participants = legs + 3;
        long ticks = field(figures1, "ticks") - field(figures0, "ticks");
        long late = field(figures1, "late") - field(figures0, "late");
        Collections.sort(toSilence);
        Collections.sort(toTone);
        List<Double> rts = new ArrayList<>(roundTrips);
        Collections.sort(rts);
        double rss = rssKb(pid) / 1024.0;
        System.out.printf(Locale.ROOT, "target=%s codec=%s legs=%d rooms=%d roomSize=%d window=%.1fs load=%s%n", targetName, codec,
                legs, rooms, roomSize, wall / 1e9, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "server cpu=%.3f cores = %.3f %% of a core per participant; RSS %.0f MB%s%n", cores,
                100 * cores / participants, rss, figures1.isEmpty() ? "" : "; " + figures1);
        if (ticks > 0) {
            long threadTicks = field(figures1, "tickCount") - field(figures0, "tickCount");
            System.out.printf(Locale.ROOT, "late ticks=%d of %d (%.3f %%), %d of them with a GC since their thread's previous tick;"
                            + " a mixer thread's tick (all its rooms) took %.2f ms on average%n",
                    late, ticks, 100.0 * late / ticks, field(figures1, "lateAfterCollection") - field(figures0, "lateAfterCollection"),
                    threadTicks > 0 ? (field(figures1, "tickMicros") - field(figures0, "tickMicros")) / 1000.0 / threadTicks : Double.NaN);
        }
        long handled = field(figures1, "muteHandled") - field(figures0, "muteHandled");
        if (handled > 0) {
            System.out.printf(Locale.ROOT, "inside the server (its http.server.requests timer, Javalin handler): %d mutes, mean %.2f ms%n",
                    handled, (field(figures1, "muteHandlerMicros") - field(figures0, "muteHandlerMicros")) / 1000.0 / handled);
        }
        // the load generator shares the 2 cores with the server: its own CPU and GC pauses are part of every round trip
        System.out.printf(Locale.ROOT, "load generator (this JVM): cpu=%.3f cores; GC %d collections, %d ms in the window%n",
                (client1[0] - client0[0]) / (double) wall, client1[1] - client0[1], client1[2] - client0[2]);
        System.out.printf(Locale.ROOT, "listeners=%d packets/s min=%.1f mean=%.1f%n", listeners.size(), rate, rateSum / listeners.size());
        System.out.printf(Locale.ROOT, "mute round trip n=%d p50=%.2f p99=%.2f max=%.2f ms%n", rts.size(), pct(rts, 50), pct(rts, 99),
                pct(rts, 100));
        System.out.printf(Locale.ROOT, "mute -> last tone n=%d median=%.1f max=%.1f ms (negative = before the answer); tone after the answer: %d%n",
                toSilence.size(), pct(toSilence, 50), pct(toSilence, 100), leaks);
        System.out.printf(Locale.ROOT, "unmute -> tone heard n=%d median=%.1f max=%.1f ms; never heard: %d%n", toTone.size(),
                pct(toTone, 50), pct(toTone, 100), unheard);
        System.out.printf(Locale.ROOT, "RESULT target=%s codec=%s legs=%d roomSize=%d cpuPctPerLeg=%.4f rssMB=%.0f lateTickPct=%.3f"
                        + " minPps=%.1f muteP50=%.2f muteP99=%.2f muteMax=%.2f silenceMedian=%.1f leaks=%d toneMedian=%.1f toneMax=%.1f"
                        + " load1=%s lateAfterGc=%d%n", targetName, codec, legs, roomSize, 100 * cores / participants, rss,
                ticks > 0 ? 100.0 * late / ticks : -1, rate, pct(rts, 50), pct(rts, 99), pct(rts, 100), pct(toSilence, 50), leaks,
                pct(toTone, 50), pct(toTone, 100), Files.readString(Path.of("/proc/loadavg")).split(" ")[0],
                field(figures1, "lateAfterCollection") - field(figures0, "lateAfterCollection"));
    }

    private static byte[][] trimmed(EncodedTones tones) {
        byte[][] f = new byte[tones.payloads().length][];
        for (int i = 0; i < f.length; i++) {
            f[i] = java.util.Arrays.copyOf(tones.payloads()[i], tones.lengths()[i]);
        }
        return f;
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        return ch;
    }

    private static int port(DatagramChannel ch) throws IOException {
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - (p == 0 ? 0 : 1)));
    }

    private static long field(String figures, String name) {
        for (String kv : figures.trim().split(" ")) {
            if (kv.startsWith(name + "=")) {
                return Long.parseLong(kv.substring(name.length() + 1));
            }
        }
        return 0;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15)
    }

    /** This JVM's CPU nanoseconds, GC collections and GC milliseconds so far. */
    private static long[] clientFigures() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new long[] {cpu, count, millis};
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static void listen(DatagramChannel ch, Listener ear) {
        ByteBuffer b = ByteBuffer.allocate(2048);
        try {
            while (true) {
                b.clear();
                ch.receive(b); // blocking, its own thread: arrival times are not delayed by the other listeners
                ear.onPacket(b.array(), b.position(), System.nanoTime());
            }
        } catch (IOException e) {
            // closed at the end
        }
    }

    private static void receive(Selector selector) {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(key -> {
                    Listener l = (Listener) key.attachment();
                    try {
                        while (true) {
                            buf.clear();
                            if (((DatagramChannel) key.channel()).receive(buf) == null) {
                                return;
                            }
                            l.onPacket(buf.array(), buf.position(), System.nanoTime());
                        }
                    } catch (IOException e) {
                        // ignore
                    }
                }, 200);
            }
        } catch (IOException e) {
            // stop
        }
    }

    /** Counts a listening leg's packets; the probe's also times the tone (a PCMU peak above 1000). */
    private static final class Listener {
        final boolean timed;
        volatile long received;
        volatile long lastToneNanos;
        volatile long firstTone;
        private volatile long since = Long.MAX_VALUE;

        Listener(boolean timed) {
            this.timed = timed;
        }

        void reset() {
            received = 0;
        }

        void firstToneAfter(long nanos) {
            firstTone = 0;
            since = nanos;
        }

        void onPacket(byte[] b, int len, long now) {
            if (len < 12) {
                return;
            }
            received++;
            if (timed) {
                int peak = 0;
                for (int i = 12; i < len; i++) {
                    peak = Math.max(peak, Math.abs(G711.ulawToLinear(b[i])));
                }
                if (peak > 1000) {
                    lastToneNanos = now;
                    if (firstTone == 0 && now - since > 0) {
                        firstTone = now;
                    }
                }
            }
        }
    }

    /** Every 20 ms on absolute deadlines, one packet per peer from its own socket (the silent ones send silence). */
    private static final class Sender implements Runnable {
        private final List<Peer> peers;
        volatile boolean running = true;

        Sender(List<Peer> peers) {
            this.peers = peers;
        }

        @Override
        public void run() {
            byte[] pkt = new byte[12 + 1500];
            ByteBuffer bb = ByteBuffer.wrap(pkt);
            long next = System.nanoTime();
            int frame = 0;
            while (running) {
                for (Peer p : peers) {
                    byte[] payload = p.frames()[frame % p.frames().length];
                    int ts = frame * (p.payloadType() == 0 ? 160 : 960);
                    pkt[0] = (byte) 0x80;
                    pkt[1] = (byte) p.payloadType();
                    pkt[2] = (byte) (frame >>> 8);
                    pkt[3] = (byte) frame;
                    pkt[4] = (byte) (ts >>> 24);
                    pkt[5] = (byte) (ts >>> 16);
                    pkt[6] = (byte) (ts >>> 8);
                    pkt[7] = (byte) ts;
                    pkt[8] = (byte) (p.ssrc() >>> 24);
                    pkt[9] = (byte) (p.ssrc() >>> 16);
                    pkt[10] = (byte) (p.ssrc() >>> 8);
                    pkt[11] = (byte) p.ssrc();
                    System.arraycopy(payload, 0, pkt, 12, payload.length);
                    bb.clear().limit(12 + payload.length);
                    try {
                        p.channel().send(bb, p.server());
                    } catch (IOException e) {
                        // a full socket buffer or the server gone: the listeners' rates show it
                    }
                }
                frame++;
                next += 20_000_000L;
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }
}
