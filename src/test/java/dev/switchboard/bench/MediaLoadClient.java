package dev.switchboard.bench;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.codec.FrameEncoder;
import dev.switchboard.media.codec.G711;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The client side of the media load harness (its own process, loopback only, bounded in time): creates
 * rooms and legs on a {@link MediaLoadServer}, replays pre-encoded RTP for every sending leg from one
 * paced thread (cheap: one header patch and one send per packet), checks one listening leg per room for
 * loss, and measures mute-to-silence at a listener of a probe room. Reports the server's CPU per leg
 * (from /proc), late ticks, packets lost, heap per leg and mute latency.
 *
 * <p>usage: MediaLoadClient --control PORT --codec PCMU|OPUS --legs N --room-size K [--talkers T]
 * [--seconds S] [--warmup W]. With T &lt; K, legs T..K-1 of each room alternate between server-muted
 * (still streaming the tone) and streaming silence.
 */
public final class MediaLoadClient {
    private static final int TONE = 1;
    private static final int SILENCE = 2;
    private static final int MUTED_TONE = 3;

    private final PrintWriter out;
    private final BufferedReader in;

    private MediaLoadClient(Socket s) throws IOException {
        out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private String call(String command) throws IOException {
        out.println(command);
        String reply = in.readLine();
        if (reply == null || !reply.startsWith("OK")) {
            throw new IOException(command + " -> " + reply);
        }
        return reply.length() > 3 ? reply.substring(3) : "";
    }

    public static void main(String[] args) throws Exception {
        int control = Integer.parseInt(arg(args, "--control", "39999"));
        AudioCodec codec = AudioCodec.valueOf(arg(args, "--codec", "PCMU"));
        int legs = Integer.parseInt(arg(args, "--legs", "1000"));
        int roomSize = Integer.parseInt(arg(args, "--room-size", "10"));
        int talkers = Integer.parseInt(arg(args, "--talkers", String.valueOf(roomSize)));
        double seconds = Double.parseDouble(arg(args, "--seconds", "20"));
        double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
        int whispers = Integer.parseInt(arg(args, "--whispers", "0"));
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
        new MediaLoadClient(s).run(codec, legs, roomSize, talkers, seconds, warmup, whispers);
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    private void run(AudioCodec codec, int legs, int roomSize, int talkers, double seconds, double warmup, int whispers)
            throws Exception {
        long pid = Long.parseLong(call("PID").trim());
        long heapBefore = Long.parseLong(call("HEAP").trim());
        byte[][] tone = frames(codec, 440, 50);
        byte[][] silence = frames(codec, 0, 50);
        int pt = codec == AudioCodec.OPUS ? 97 : codec == AudioCodec.PCMA ? 8 : 0;

        DatagramChannel discard = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int discardPort = ((InetSocketAddress) discard.getLocalAddress()).getPort();
        Selector selector = Selector.open();
        List<Listener> listeners = new ArrayList<>();

        int rooms = (legs + roomSize - 1) / roomSize;
        int[] mode = new int[legs];
        InetSocketAddress[] target = new InetSocketAddress[legs];
        int done = 0;
        for (int r = 0; r < rooms; r++) {
            String room = "r" + r;
            call("ROOM " + room);
            int size = Math.min(roomSize, legs - done);
            int checked = talkers < size ? size - 1 : 0;
            for (int i = 0; i < size; i++) {
                int leg = done + i;
                int port = discardPort;
                if (i == checked) {
                    DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                    ch.configureBlocking(false);
                    Listener l = new Listener(false);
                    ch.register(selector, SelectionKey.OP_READ, l);
                    listeners.add(l);
                    port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                }
                int serverPort = Integer.parseInt(call("LEG " + room + " p" + i + " " + codec + " " + port + " sendrecv").trim());
                target[leg] = new InetSocketAddress("127.0.0.1", serverPort);
                if (i < talkers) {
                    mode[leg] = TONE;
                } else if ((i - talkers) % 2 == 0) {
                    mode[leg] = MUTED_TONE;
                    call("MUTE " + room + " p" + i);
                } else {
                    mode[leg] = SILENCE;
                }
            }
            for (int i = Math.max(1, size - whispers); i < size; i++) {
                call("WHISPER " + room + " p0 p" + i); // out of the default group, heard by p0 alone
            }
            done += size;
        }
        // the mute-to-silence probe room (PCMU): talker T, listener L (timed), third leg silent
        call("ROOM probe");
        DatagramChannel probeCh = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Listener probe = new Listener(true);
        Thread probeThread = Thread.ofPlatform().name("load-probe").daemon(true).start(() -> {
            ByteBuffer pb = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    pb.clear();
                    probeCh.receive(pb); // blocking, its own thread: arrival times are not delayed by the other listeners
                    probe.onPacket(pb.array(), pb.position(), System.nanoTime());
                }
            } catch (IOException e) {
                // closed at the end
            }
        });
        int probePort = ((InetSocketAddress) probeCh.getLocalAddress()).getPort();
        InetSocketAddress probeTalker = new InetSocketAddress("127.0.0.1",
                Integer.parseInt(call("LEG probe T PCMU " + discardPort + " sendrecv").trim()));
        int listenerPort = Integer.parseInt(call("LEG probe L PCMU " + probePort + " sendrecv").trim());
        int silentPort = Integer.parseInt(call("LEG probe X PCMU " + discardPort + " sendrecv").trim());
        // L and X never send RTP: an RTCP receiver report each latches them (the server sends nothing to a leg before)
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0x4C, 0x4F, 0x41, 0x44};
        for (int port : new int[] {listenerPort, silentPort}) {
            discard.send(ByteBuffer.wrap(rr), new InetSocketAddress("127.0.0.1", port));
        }
        long heapAfter = Long.parseLong(call("HEAP").trim());

        Sender sender = new Sender(pt, mode, target, tone, silence, probeTalker, frames(AudioCodec.PCMU, 440, 50));
        Thread senderThread = Thread.ofPlatform().name("load-sender").start(sender);
        Thread receiverThread = Thread.ofPlatform().name("load-receiver").start(() -> receive(selector));

        Thread.sleep((long) (warmup * 1000));
        String stats0 = call("STATS");
        long cpu0 = cpuTicks(pid);
        long self0 = cpuTicks(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        for (Listener l : listeners) {
            l.reset();
        }
        List<Double> muteLatencies = new ArrayList<>();
        long end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end - 700_000_000L) {
            call("UNMUTE probe T");
            Thread.sleep(300);
            long mutedAt = Long.parseLong(call("MUTE probe T").trim());
            Thread.sleep(300);
            long lastTone = probe.lastToneNanos;
            muteLatencies.add(Math.max(0, lastTone - mutedAt) / 1e6);
        }
        while (System.nanoTime() < end) {
            Thread.sleep(10);
        }
        long wall = System.nanoTime() - t0;
        long cpu1 = cpuTicks(pid);
        long self1 = cpuTicks(ProcessHandle.current().pid());
        String stats1 = call("STATS");
        sender.running = false;
        senderThread.join();
        receiverThread.interrupt();
        selector.wakeup();
        probeCh.close();
        probeThread.join(1000);

        long received = 0;
        long lost = 0;
        for (Listener l : listeners) {
            received += l.received;
            lost += l.lost;
        }
        double cpuSeconds = (cpu1 - cpu0) / 100.0;
        double wallSeconds = wall / 1e9;
        double cores = cpuSeconds / wallSeconds;
        long ticks = field(stats1, "ticks") - field(stats0, "ticks");
        long late = field(stats1, "late") - field(stats0, "late");
        Collections.sort(muteLatencies);
        System.out.printf(Locale.ROOT, "codec=%s legs=%d rooms=%d roomSize=%d talkersPerRoom=%d whispersPerRoom=%d window=%.1fs%n",
                codec, legs, rooms, roomSize, Math.min(talkers, roomSize), Math.min(whispers, roomSize - 1), wallSeconds);
        System.out.printf(Locale.ROOT, "server cpu=%.2f cores  => %.3f %% of a core per leg, %.0f legs per core%n",
                cores, 100 * cores / (legs + 3), (legs + 3) / Math.max(cores, 1e-9));
        long outDelta = field(stats1, "out") - field(stats0, "out");
        double legsServed = outDelta / wallSeconds / 50.0;
        System.out.printf(Locale.ROOT, "server sent %.0f packets/s = %.0f legs' worth of 50 pps (%.1f %% of the load)"
                        + " => projected %.0f legs per core if the CPU had been there%n",
                outDelta / wallSeconds, legsServed, 100 * legsServed / (legs + 3), legsServed / Math.max(cores, 1e-9));
        System.out.printf(Locale.ROOT, "late ticks=%d of %d room ticks (%.4f %%)%n", late, ticks, ticks > 0 ? 100.0 * late / ticks : 0);
        System.out.printf(Locale.ROOT, "checked listeners=%d received=%d lost=%d (%.4f %%)%n", listeners.size(), received, lost,
                received + lost > 0 ? 100.0 * lost / (received + lost) : 0);
        System.out.printf(Locale.ROOT, "heap per leg=%.1f KiB (%.1f MiB for %d legs)%n",
                (heapAfter - heapBefore) / 1024.0 / (legs + 3), (heapAfter - heapBefore) / 1048576.0, legs + 3);
        System.out.printf(Locale.ROOT, "mute-to-silence at a listener after setServerMuted returned: n=%d median=%.3f ms max=%.3f ms"
                        + " (>1 ms: %d, >20 ms: %d; upper bound: includes the load client's own wake-up delay)%n",
                muteLatencies.size(), muteLatencies.isEmpty() ? 0 : muteLatencies.get(muteLatencies.size() / 2),
                muteLatencies.isEmpty() ? 0 : muteLatencies.get(muteLatencies.size() - 1),
                muteLatencies.stream().filter(x -> x > 1).count(), muteLatencies.stream().filter(x -> x > 20).count());
        System.out.printf(Locale.ROOT, "load client cpu=%.2f cores (same machine, not the server)%n", (self1 - self0) / 100.0 / wallSeconds);
        System.out.println("server stats at end:" + stats1);
        call("QUIT");
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
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15)
    }

    /** 50 frames (1 s) of a tone (or silence for hz=0) pre-encoded with the codec. */
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

    private static void receive(Selector selector) {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(key -> {
                    Listener l = (Listener) key.attachment();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    try {
                        while (true) {
                            buf.clear();
                            if (ch.receive(buf) == null) {
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

    /** Loss accounting (and for the probe, tone timing) of one listening leg. */
    private static final class Listener {
        final boolean timed;
        int lastSeq = -1;
        volatile long received;
        volatile long lost;
        volatile long lastToneNanos;

        Listener(boolean timed) {
            this.timed = timed;
        }

        void reset() {
            received = 0;
            lost = 0;
        }

        void onPacket(byte[] b, int len, long now) {
            if (len < 12) {
                return;
            }
            int seq = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (lastSeq >= 0) {
                int gap = (seq - lastSeq - 1) & 0xFFFF;
                if (gap < 1000) {
                    lost += gap;
                }
            }
            lastSeq = seq;
            received++;
            if (timed) {
                int peak = 0;
                for (int i = 12; i < len; i++) {
                    peak = Math.max(peak, Math.abs(G711.ulawToLinear(b[i])));
                }
                if (peak > 1000) {
                    lastToneNanos = now;
                }
            }
        }
    }

    /** Sends one packet per sending leg every 20 ms on absolute deadlines; mute-probe talker included. */
    private static final class Sender implements Runnable {
        private final int pt;
        private final int[] mode;
        private final InetSocketAddress[] target;
        private final byte[][] tone;
        private final byte[][] silence;
        private final InetSocketAddress probe;
        private final byte[][] probeTone;
        volatile boolean running = true;

        Sender(int pt, int[] mode, InetSocketAddress[] target, byte[][] tone, byte[][] silence,
               InetSocketAddress probe, byte[][] probeTone) {
            this.pt = pt;
            this.mode = mode;
            this.target = target;
            this.tone = tone;
            this.silence = silence;
            this.probe = probe;
            this.probeTone = probeTone;
        }

        @Override
        public void run() {
            byte[] pkt = new byte[12 + 1500];
            ByteBuffer bb = ByteBuffer.wrap(pkt);
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress("127.0.0.1", 0));
                long next = System.nanoTime();
                int frame = 0;
                while (running) {
                    for (int leg = 0; leg < mode.length; leg++) {
                        byte[] payload = mode[leg] == SILENCE ? silence[frame % 50] : tone[frame % 50];
                        send(ch, bb, pkt, pt, frame, leg + 1, payload, target[leg], mode[leg] == 0 ? 0 : 1);
                    }
                    send(ch, bb, pkt, 0, frame, 0x7000_0000, probeTone[frame % 50], probe, 1);
                    frame++;
                    next += 20_000_000L;
                    long wait;
                    while ((wait = next - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static void send(DatagramChannel ch, ByteBuffer bb, byte[] pkt, int pt, int frame, int ssrc,
                                 byte[] payload, InetSocketAddress to, int enabled) throws IOException {
            if (enabled == 0) {
                return;
            }
            int seq = frame & 0xFFFF;
            int ts = frame * (pt == 97 ? 960 : 160);
            pkt[0] = (byte) 0x80;
            pkt[1] = (byte) pt;
            pkt[2] = (byte) (seq >>> 8);
            pkt[3] = (byte) seq;
            pkt[4] = (byte) (ts >>> 24);
            pkt[5] = (byte) (ts >>> 16);
            pkt[6] = (byte) (ts >>> 8);
            pkt[7] = (byte) ts;
            pkt[8] = (byte) (ssrc >>> 24);
            pkt[9] = (byte) (ssrc >>> 16);
            pkt[10] = (byte) (ssrc >>> 8);
            pkt[11] = (byte) ssrc;
            System.arraycopy(payload, 0, pkt, 12, payload.length);
            bb.clear().limit(12 + payload.length);
            ch.send(bb, to);
        }
    }
}
