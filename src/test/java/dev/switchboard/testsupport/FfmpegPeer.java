package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * ffmpeg ({@code /usr/bin/ffmpeg}) as an outside RTP peer on loopback: a tone sender or a receiver that
 * records into a WAV. Each instance is one process, destroyed (with its children) by {@link #close()}.
 * See {@code /work/shared/media/testing-with-real-peers.md} for the commands and their traps.
 */
public final class FfmpegPeer implements AutoCloseable {
    public static final String FFMPEG = "/usr/bin/ffmpeg";

    /** A codec as ffmpeg sends/receives it, with the payload type used in offers. */
    public enum Codec {
        PCMU(0, "PCMU/8000", List.of("-c:a", "pcm_mulaw", "-ar", "8000"), 8000),
        PCMA(8, "PCMA/8000", List.of("-c:a", "pcm_alaw", "-ar", "8000"), 8000),
        OPUS(97, "opus/48000/2", List.of("-c:a", "libopus", "-ar", "48000", "-b:a", "32k", "-payload_type", "97"), 48000);

        public final int payloadType;
        public final String rtpmap;
        final List<String> encoderArgs;
        final int sampleRate;

        Codec(int payloadType, String rtpmap, List<String> encoderArgs, int sampleRate) {
            this.payloadType = payloadType;
            this.rtpmap = rtpmap;
            this.encoderArgs = encoderArgs;
            this.sampleRate = sampleRate;
        }
    }

    private final Process process;
    private final Path log;
    private volatile long readyNanos;

    private FfmpegPeer(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.readyNanos = System.nanoTime();
    }

    /**
     * {@link System#nanoTime()} when the peer was ready: for a receiver, when its port showed up bound
     * (its WAV starts at the first packet after that); for a sender, when the process started.
     */
    public long readyNanos() {
        return readyNanos;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(FFMPEG));
    }

    /**
     * An SDP offer for a participant that receives on {@code 127.0.0.1:receivePort}.
     *
     * @param direction {@code sendrecv}, {@code sendonly}, {@code recvonly} or {@code inactive}
     */
    public static String offer(int receivePort, Codec codec, String direction) {
        return "v=0\r\n"
                + "o=- 1 1 IN IP4 127.0.0.1\r\n"
                + "s=ffmpeg-peer\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + receivePort + " RTP/AVP " + codec.payloadType + "\r\n"
                + "a=rtpmap:" + codec.payloadType + " " + codec.rtpmap + "\r\n"
                + "a=ptime:20\r\n"
                + "a=" + direction + "\r\n";
    }

    /**
     * Sends the server's leg at {@code serverPort} one empty RTCP receiver report from 127.0.0.1, as an RTP peer's
     * RTCP would: the server sends a leg nothing until its address has sent valid RTP or RTCP (latching). ffmpeg's
     * own receiver reports go to port+1 of the address it reads from its SDP file (without rtcp-mux), not to the
     * server, so a test that wants audio at a recording ffmpeg before that peer talks (or when it never talks) sends
     * this on its behalf, before the recorder starts.
     */
    public static void sendReceiverReport(int serverPort) {
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0x46, 0x46, 0x4D, 0x50};
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.send(new java.net.DatagramPacket(rr, rr.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a sine tone (−18 dBFS, 20 ms packets) as RTP to {@code host:port}, paced in real time.
     */
    public static FfmpegPeer sendTone(String host, int port, Codec codec, int frequencyHz, double seconds, Path workDir) {
        int rate = codec.sampleRate;
        List<String> cmd = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", String.format(Locale.ROOT, "sine=frequency=%d:duration=%.3f:sample_rate=%d:samples_per_frame=%d",
                        frequencyHz, seconds, rate, rate / 50)));
        cmd.addAll(codec.encoderArgs);
        cmd.addAll(List.of("-f", "rtp", "-sdp_file", "/dev/null", "rtp://" + host + ":" + port + "?localaddr=127.0.0.1"));
        return start(cmd, workDir.resolve("send-" + port + "-" + frequencyHz + ".log"));
    }

    /**
     * Receives RTP on {@code 127.0.0.1:port} (and binds port+1 for RTCP) and writes a WAV; stops after
     * {@code seconds} of audio or 1 s without packets. Returns once the port is bound. Gaps in the stream's RTP
     * timestamps (packets lost, or ticks a starved server skipped) are filled with silence, so the WAV's timeline stays
     * the sender's clock on a busy machine too, and phases measured by wall clock still line up.
     */
    public static FfmpegPeer receiveWav(int port, Codec codec, Path wav, double seconds) {
        Path dir = wav.toAbsolutePath().getParent();
        Path sdp = dir.resolve(wav.getFileName() + ".sdp");
        String text = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=rx\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP " + codec.payloadType + "\r\n"
                + "a=rtpmap:" + codec.payloadType + " " + codec.rtpmap + "\r\n";
        try {
            Files.writeString(sdp, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-protocol_whitelist", "file,udp,rtp", "-localaddr", "127.0.0.1", "-listen_timeout", "1",
                "-i", sdp.toString(), "-af", "aresample=async=1:min_hard_comp=0.03",
                "-t", String.format(Locale.ROOT, "%.3f", seconds), "-y", wav.toString());
        FfmpegPeer peer = start(cmd, dir.resolve(wav.getFileName() + ".log"));
        try {
            peer.awaitUdpBound(port, Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private static FfmpegPeer start(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new FfmpegPeer(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ffmpeg", e);
        }
    }

    /**
     * Polls /proc/net/udp until 127.0.0.1:port is bound (falls back to a short delay if /proc is unreadable). A
     * receiver that exits or does not bind in time fails here, naming why: going on would leave {@link #readyNanos()}
     * at the process start and the recording's timeline off by however long ffmpeg took to start (seconds, on a
     * starved machine), which a test would then report as misplaced audio.
     */
    private void awaitUdpBound(int port, Duration timeout) {
        String local = String.format("0100007F:%04X", port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 1 && f[1].equals(local)) {
                        readyNanos = System.nanoTime();
                        return;
                    }
                }
            } catch (IOException e) {
                sleep(300);
                return;
            }
            sleep(10);
        }
        throw new IllegalStateException("ffmpeg did not bind 127.0.0.1:" + port + " within " + timeout.toSeconds() + " s ("
                + (process.isAlive() ? "still starting" : "exited with " + process.exitValue()) + "): " + log());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to exit by itself; false on timeout. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** ffmpeg's own output (errors only), for assertion messages. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A free even UDP port on 127.0.0.1 whose successor is free too (ffmpeg receivers bind both). */
    public static int freeEvenPortPair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int[] range = MediaPorts.nextRange(2);
            int port = range[0] % 2 == 0 ? range[0] : range[0] + 1;
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                 DatagramSocket b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1))) {
                return port;
            } catch (IOException e) {
                // taken, try the next pair
            }
        }
        throw new IllegalStateException("no free UDP port pair found");
    }

    /** Asks the process to finish (SIGTERM: a recorder writes out its WAV) and waits up to {@code timeout} for it. */
    public boolean finish(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    /** Stops the process (SIGTERM, then SIGKILL) and its descendants. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(Duration.ofSeconds(2))) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(2));
            }
        }
    }
}
