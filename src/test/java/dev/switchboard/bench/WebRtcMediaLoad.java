package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.webrtc.DtlsCertificate;
import dev.switchboard.media.webrtc.DtlsFingerprint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench/media-load --webrtc}: one run against one {@link MediaLoadServer} process, three phases back to back.
 * <ol>
 *   <li><b>plain</b>: N Opus legs over {@code RTP/AVP}, one UDP socket each, rooms of K with T talkers; the
 *       server's CPU per leg over the window.</li>
 *   <li><b>webrtc</b>: the same shape with N WebRTC legs on the single port; this generator does each leg's ICE
 *       check, DTLS client handshake (Bouncy Castle, server fingerprint verified) and SRTP (the server's packets are
 *       unprotected before they count); the server's CPU per leg and the ratio to the plain phase.</li>
 *   <li><b>burst + port</b>: P WebRTC legs are offered, then their DTLS handshakes run at once (C at a time): the
 *       server CPU per handshake (minus its idle baseline) and the wall-clock rate; then media on all P legs through
 *       the one port, and each leg's receive rate.</li>
 * </ol>
 * usage: WebRtcMediaLoad --control PORT [--legs N] [--room-size K] [--talkers T] [--seconds S] [--warmup W]
 * [--port-legs P] [--port-codec PCMU|OPUS] [--port-talkers T2] [--concurrency C]
 */
public final class WebRtcMediaLoad {
    private static final double CPU_RATIO_TARGET = 1.15;
    private static final double HANDSHAKES_TARGET = 100;
    private static final int PORT_LEGS_TARGET = 1000;
    private static final double MIN_PPS = 49.5;

    private final PrintWriter out;
    private final BufferedReader in;
    private final long serverPid;
    private final DtlsCertificate clientCert = DtlsCertificate.generate("load", Duration.ofDays(1), new SecureRandom());
    private int webRtcPort;
    private DtlsFingerprint serverFingerprint;
    private int rooms;

    private WebRtcMediaLoad(Socket s) throws IOException {
        out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        serverPid = Long.parseLong(call("PID").trim());
    }

    private synchronized String call(String command) throws IOException {
        out.println(command);
        String reply = in.readLine();
        if (reply == null || !reply.startsWith("OK")) {
            throw new IOException(command.substring(0, Math.min(60, command.length())) + " -> " + reply);
        }
        return reply.length() > 3 ? reply.substring(3) : "";
    }

    public static void main(String[] args) throws Exception {
        int control = Integer.parseInt(arg(args, "--control", "35999"));
        Socket s = null;
        for (int i = 0; i < 100 && s == null; i++) {
            try {
                s = new Socket(InetAddress.getLoopbackAddress(), control);
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        if (s == null) {
            throw new IOException("server not reachable on " + control);
        }
        s.setTcpNoDelay(true);
        new WebRtcMediaLoad(s).run(args);
    }

    private void run(String[] args) throws Exception {
        int legs = Integer.parseInt(arg(args, "--legs", "100"));
        int roomSize = Integer.parseInt(arg(args, "--room-size", "10"));
        int talkers = Integer.parseInt(arg(args, "--talkers", "2"));
        double seconds = Double.parseDouble(arg(args, "--seconds", "20"));
        double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
        int portLegs = Integer.parseInt(arg(args, "--port-legs", String.valueOf(PORT_LEGS_TARGET)));
        AudioCodec portCodec = AudioCodec.valueOf(arg(args, "--port-codec", "PCMU"));
        int portTalkers = Integer.parseInt(arg(args, "--port-talkers", "1"));
        int concurrency = Integer.parseInt(arg(args, "--concurrency", "8"));

        webRtcPort = Integer.parseInt(call("WEBRTC").trim());
        double load0 = loadAverage();
        Phase plain = mediaPhase("plain", false, AudioCodec.OPUS, legs, roomSize, talkers, warmup, seconds);
        Phase webrtc = mediaPhase("webrtc", true, AudioCodec.OPUS, legs, roomSize, talkers, warmup, seconds);
        Burst burst = portPhase(portCodec, portLegs, roomSize, portTalkers, concurrency, warmup, seconds);
        double load1 = loadAverage();

        double ratio = webrtc.cpuPerLeg() / plain.cpuPerLeg();
        System.out.println();
        System.out.printf(Locale.ROOT, "load average (1 min) %.2f at start, %.2f at end; 2 shared cores: compare the ratio, not absolutes%n", load0, load1);
        System.out.printf(Locale.ROOT, "SUMMARY webrtc-vs-plain cpu ratio=%.3f (webrtc %.3f %%/leg, plain %.3f %%/leg, %d Opus legs, rooms of %d, %d talking)"
                        + " handshakes/s: server-cpu projection on 2 cores=%.0f, wall=%.0f (%d at once) port legs=%d min-rx=%.2f pps%n",
                ratio, 100 * webrtc.cpuPerLeg(), 100 * plain.cpuPerLeg(), legs, roomSize, talkers,
                burst.projectedOn2Cores(), burst.wallRate(), concurrency, burst.port().legs(), burst.port().minPps());
        verdict("CPU per WebRTC Opus leg <= 1.15x a plain Opus RTP leg (same run)", ratio <= CPU_RATIO_TARGET,
                String.format(Locale.ROOT, "%.3fx", ratio));
        verdict(">= 100 DTLS handshakes/s on 2 cores (server CPU per handshake)", burst.projectedOn2Cores() >= HANDSHAKES_TARGET,
                String.format(Locale.ROOT, "%.0f/s projected, %.2f ms server CPU each; %.0f/s wall clock with the generator on the same cores",
                        burst.projectedOn2Cores(), burst.serverCpuMillisEach(), burst.wallRate()));
        Phase port = burst.port();
        verdict(">= 1,000 legs on the single WebRTC port, every one receiving >= " + MIN_PPS + " pps",
                port.legs() >= PORT_LEGS_TARGET && port.minPps() >= MIN_PPS && port.failed() == 0,
                String.format(Locale.ROOT, "%d legs, receive rate min %.2f / median %.2f pps, %d legs below, %d failed to connect",
                        port.legs(), port.minPps(), port.medianPps(), port.below(), port.failed()));
        System.out.println("server webrtc counters:" + call("WSTATS"));
        call("QUIT");
    }

    private static void verdict(String target, boolean met, String figure) {
        System.out.println((met ? "TARGET MET    " : "TARGET MISSED ") + target + ": " + figure);
    }

    /** One measured window of media on a set of legs. */
    private record Phase(String name, int legs, double cores, double window, double minPps, double medianPps, int below,
                         long lost, long unprotectFailed, int failed) {
        double cpuPerLeg() {
            return cores / legs;
        }
    }

    private record Burst(int handshakes, double wallSeconds, double serverCpuSeconds, Phase port) {
        double wallRate() {
            return handshakes / wallSeconds;
        }

        double serverCpuMillisEach() {
            return 1000 * serverCpuSeconds / handshakes;
        }

        double projectedOn2Cores() {
            return 2 * handshakes / Math.max(serverCpuSeconds, 1e-9);
        }
    }

    private Phase mediaPhase(String name, boolean webRtc, AudioCodec codec, int legs, int roomSize, int talkers,
                             double warmup, double seconds) throws Exception {
        List<LoadLeg> set = openLegs(webRtc, codec, legs, roomSize, talkers);
        int failed = 0;
        if (webRtc) {
            failed = connectAll(set, 8);
        }
        Phase p = measure(name, set, codec, warmup, seconds, failed);
        closeRooms(set);
        return p;
    }

    private Burst portPhase(AudioCodec codec, int legs, int roomSize, int talkers, int concurrency, double warmup,
                            double seconds) throws Exception {
        List<LoadLeg> set = openLegs(true, codec, legs, roomSize, talkers);
        // the idle baseline: the rooms tick with nothing to mix
        long c0 = cpuTicks(serverPid);
        long t0 = System.nanoTime();
        Thread.sleep(2000);
        double idleRate = (cpuTicks(serverPid) - c0) / 100.0 / ((System.nanoTime() - t0) / 1e9);
        Sender consent = new Sender(set, null, null, 0, false);
        Thread consentThread = Thread.ofPlatform().name("load-consent").start(consent);
        long cpu0 = cpuTicks(serverPid);
        long start = System.nanoTime();
        int failed = connectAll(set, concurrency);
        long end = System.nanoTime();
        long cpu1 = cpuTicks(serverPid);
        consent.running = false;
        consentThread.join();
        double wall = (end - start) / 1e9;
        double serverCpu = Math.max(0, (cpu1 - cpu0) / 100.0 - idleRate * wall);
        System.out.printf(Locale.ROOT, "burst: %d DTLS handshakes (%d at once) in %.2f s = %.0f/s wall; server CPU %.2f s"
                        + " (idle baseline %.2f cores subtracted) = %.2f ms each; %d failed%n",
                legs - failed, concurrency, wall, (legs - failed) / wall, serverCpu, idleRate,
                1000 * serverCpu / Math.max(1, legs - failed), failed);
        Phase port = measure("port", set, codec, warmup, seconds, failed);
        closeRooms(set);
        return new Burst(legs - failed, wall, serverCpu, port);
    }

    /** Rooms of {@code roomSize}, legs offered (WebRTC: the offer posted, the answer read; no ICE yet). */
    private List<LoadLeg> openLegs(boolean webRtc, AudioCodec codec, int legs, int roomSize, int talkers) throws Exception {
        List<LoadLeg> set = new ArrayList<>();
        boolean opus = codec == AudioCodec.OPUS;
        String room = null;
        for (int i = 0; i < legs; i++) {
            int inRoom = i % roomSize;
            if (inRoom == 0) {
                room = "r" + (rooms++);
                call("ROOM " + room);
            }
            int pt = webRtc ? (opus ? 111 : 0) : (opus ? 97 : 0);
            LoadLeg leg = new LoadLeg(webRtc, 0x1000_0000 + i, pt, inRoom < talkers);
            leg.room = room;
            if (webRtc) {
                String offer = leg.offer(clientCert, opus);
                String answer = new String(Base64.getDecoder().decode(call("WLEG " + room + " p" + inRoom + " "
                        + Base64.getEncoder().encodeToString(offer.getBytes(StandardCharsets.UTF_8))).trim()), StandardCharsets.UTF_8);
                leg.answer(answer);
                if (serverFingerprint == null) {
                    serverFingerprint = DtlsFingerprint.parse(LoadLeg.attribute(answer, "fingerprint"));
                }
                leg.connect(webRtcPort);
            } else {
                int serverPort = Integer.parseInt(call("LEG " + room + " p" + inRoom + " " + codec + " " + leg.localPort() + " sendrecv").trim());
                leg.connect(serverPort);
                leg.ready = true;
            }
            set.add(leg);
        }
        return set;
    }

    /** ICE check then DTLS handshake for every leg, {@code concurrency} at a time; returns how many failed. */
    private int connectAll(List<LoadLeg> set, int concurrency) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> Thread.ofPlatform().daemon().unstarted(r));
        List<Future<?>> done = new ArrayList<>();
        for (LoadLeg leg : set) {
            done.add(pool.submit(() -> {
                try {
                    leg.iceCheck();
                    leg.handshake(clientCert, serverFingerprint);
                    leg.ready = true;
                } catch (Exception e) {
                    if (failed.incrementAndGet() <= 3) {
                        System.out.println("leg failed to connect: " + e);
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return failed.get();
    }

    private Phase measure(String name, List<LoadLeg> set, AudioCodec codec, double warmup, double seconds, int failed) throws Exception {
        Selector selector = Selector.open();
        for (LoadLeg leg : set) {
            if (leg.ready) {
                leg.channel.configureBlocking(false);
                leg.channel.register(selector, SelectionKey.OP_READ, leg);
            }
        }
        Sender sender = new Sender(set, frames(codec, 440, 50), frames(codec, 0, 50), codec == AudioCodec.OPUS ? 960 : 160, true);
        Receiver receiver = new Receiver(selector);
        Thread rx = Thread.ofPlatform().name("load-receiver").start(receiver);
        Thread tx = Thread.ofPlatform().name("load-sender").start(sender);
        Thread.sleep((long) (warmup * 1000));
        long[] r0 = new long[set.size()];
        long[] l0 = new long[set.size()];
        for (int i = 0; i < r0.length; i++) {
            r0[i] = set.get(i).received;
            l0[i] = set.get(i).lost;
        }
        String stats0 = call("STATS");
        long cpu0 = cpuTicks(serverPid);
        long self0 = cpuTicks(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long cpu1 = cpuTicks(serverPid);
        long self1 = cpuTicks(ProcessHandle.current().pid());
        String stats1 = call("STATS");
        double window = (System.nanoTime() - t0) / 1e9;
        double[] pps = new double[set.size()];
        long lost = 0;
        long unprotectFailed = 0;
        int below = 0;
        for (int i = 0; i < pps.length; i++) {
            LoadLeg leg = set.get(i);
            pps[i] = (leg.received - r0[i]) / window;
            lost += leg.lost - l0[i];
            unprotectFailed += leg.unprotectFailed;
            if (pps[i] < MIN_PPS) {
                below++;
            }
        }
        sender.running = false;
        tx.join();
        receiver.running = false;
        selector.wakeup();
        rx.join();
        selector.close();
        Arrays.sort(pps);
        double cores = (cpu1 - cpu0) / 100.0 / window;
        Phase p = new Phase(name, set.size(), cores, window, pps.length == 0 ? 0 : pps[0], pps.length == 0 ? 0 : pps[pps.length / 2],
                below, lost, unprotectFailed, failed);
        System.out.printf(Locale.ROOT, "%-6s legs=%d codec=%s window=%.1fs server cpu=%.3f cores = %.3f %% of a core per leg;"
                        + " client rx pps min=%.2f median=%.2f max=%.2f below %.1f=%d lost=%d srtp-failed=%d connect-failed=%d"
                        + " (generator cpu=%.2f cores, load %.1f; server late ticks %d of %d)%n",
                name, set.size(), codec, window, cores, 100 * p.cpuPerLeg(), p.minPps(), p.medianPps(),
                pps.length == 0 ? 0 : pps[pps.length - 1], MIN_PPS, below, lost, unprotectFailed, failed,
                (self1 - self0) / 100.0 / window, loadAverage(), field(stats1, "late") - field(stats0, "late"),
                field(stats1, "ticks") - field(stats0, "ticks"));
        return p;
    }

    private void closeRooms(List<LoadLeg> set) throws IOException {
        String last = null;
        for (LoadLeg leg : set) {
            if (!leg.room.equals(last)) {
                call("CLOSE " + leg.room);
                last = leg.room;
            }
        }
        for (LoadLeg leg : set) {
            leg.close();
        }
    }

    /**
     * Every 20 ms on absolute deadlines: one frame per ready leg; a consent check per WebRTC leg every 5 s of wall
     * clock (as browsers do; kept on time even when a starved generator falls behind on frames).
     */
    private static final class Sender implements Runnable {
        private final List<LoadLeg> legs;
        private final byte[][] tone;
        private final byte[][] silence;
        private final int samplesPerFrame;
        private final boolean media;
        volatile boolean running = true;
        private static final long CONSENT_EVERY_NANOS = 5_000_000_000L;

        Sender(List<LoadLeg> legs, byte[][] tone, byte[][] silence, int samplesPerFrame, boolean media) {
            this.legs = legs;
            this.tone = tone;
            this.silence = silence;
            this.samplesPerFrame = samplesPerFrame;
            this.media = media;
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            int frame = 0;
            while (running) {
                long now = System.nanoTime();
                for (int i = 0; i < legs.size(); i++) {
                    LoadLeg leg = legs.get(i);
                    if (!leg.ready) {
                        continue;
                    }
                    try {
                        if (leg.webRtc && now - leg.lastCheck > CONSENT_EVERY_NANOS) {
                            leg.sendConsent();
                        }
                        if (media) {
                            leg.sendFrame(frame, leg.talker ? tone[frame % 50] : silence[frame % 50], samplesPerFrame);
                        }
                    } catch (IOException e) {
                        // counted as loss by the server side
                    }
                }
                frame++;
                next += 20_000_000L;
                long wait;
                while ((wait = next - System.nanoTime()) > 0 && running) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    private static final class Receiver implements Runnable {
        private final Selector selector;
        private final ByteBuffer buf = ByteBuffer.allocate(2048);
        volatile boolean running = true;

        Receiver(Selector selector) {
            this.selector = selector;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(key -> {
                        LoadLeg leg = (LoadLeg) key.attachment();
                        DatagramChannel ch = (DatagramChannel) key.channel();
                        try {
                            while (true) {
                                buf.clear();
                                if (ch.receive(buf) == null) {
                                    return;
                                }
                                leg.onDatagram(buf.array(), buf.position());
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    }, 200);
                }
            } catch (IOException e) {
                // stop
            }
        }
    }

    private static byte[][] frames(AudioCodec codec, double hz, int n) {
        FrameEncoder enc = codec.newEncoder();
        byte[][] f = new byte[n][];
        short[] pcm = new short[AudioCodec.MIX_FRAME];
        byte[] buf = new byte[enc.maxPayloadBytes()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < pcm.length; j++) {
                pcm[j] = (short) (hz == 0 ? 0 : 4096 * Math.sin(2 * Math.PI * hz * (i * pcm.length + j) / 48000.0));
            }
            int len = enc.encode(pcm, buf, 0);
            f[i] = Arrays.copyOf(buf, len);
        }
        return f;
    }

    private static long field(String stats, String name) {
        for (String kv : stats.trim().split(" ")) {
            if (kv.startsWith(name + "=")) {
                return Long.parseLong(kv.substring(name.length() + 1));
            }
        }
        return 0;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
