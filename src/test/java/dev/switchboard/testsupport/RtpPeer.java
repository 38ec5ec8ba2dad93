package dev.switchboard.testsupport;

import dev.switchboard.media.codec.G711;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A minimal PCMU RTP endpoint written in the test (a second, packet-level peer next to ffmpeg): sends
 * tone or raw datagrams to a port and receives the server's packets. One UDP socket; {@link #startTone}
 * runs a paced 20 ms sender thread until {@link #stopTone()} or {@link #close()}.
 */
public final class RtpPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final String host;
    private volatile Thread talker;
    private volatile boolean talking;
    private int seq = 1000;
    private volatile long framesSent;
    private int ts = 0x7FFF0000;
    private final int ssrc = 0x5EC0DE01;

    /** A received RTP packet. */
    public record Packet(int payloadType, int sequence, int ssrc, byte[] payload, long receivedNanos) {
        /** Peak absolute sample of a PCMU payload, full scale = 1.0. */
        public double pcmuPeak() {
            int peak = 0;
            for (byte b : payload) {
                peak = Math.max(peak, Math.abs(G711.ulawToLinear(b)));
            }
            return peak / 32768.0;
        }

        /** Goertzel level (dBFS) of a frequency in a PCMU payload. */
        public double pcmuLevelDbfs(double hz) {
            double[] x = new double[payload.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = G711.ulawToLinear(payload[i]) / 32768.0;
            }
            return ToneAnalysis.db(ToneAnalysis.goertzel(x, 0, x.length, 8000, hz, false));
        }
    }

    public RtpPeer(String bindHost) {
        try {
            this.host = bindHost;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bindHost), 0));
            this.socket.setReceiveBufferSize(1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** An SDP offer (PCMU) receiving on this peer's socket. */
    public String offer(String direction) {
        return "v=0\r\no=- 1 1 IN IP4 " + host + "\r\ns=peer\r\nc=IN IP4 " + host + "\r\nt=0 0\r\n"
                + "m=audio " + port() + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=" + direction + "\r\n";
    }

    /** 20 ms of a −18 dBFS sine as PCMU, phase-continuous over frame numbers. */
    public static byte[] pcmuTone(double hz, long frame) {
        return pcmuTone(hz, frame, 4096);
    }

    /** 20 ms of a sine of peak {@code amplitude} (of 32768) as PCMU, phase-continuous over frame numbers. */
    public static byte[] pcmuTone(double hz, long frame, int amplitude) {
        byte[] p = new byte[160];
        for (int i = 0; i < 160; i++) {
            double t = (frame * 160 + i) / 8000.0;
            p[i] = G711.linearToUlaw((int) Math.round(amplitude * Math.sin(2 * Math.PI * hz * t)));
        }
        return p;
    }

    /** An RTP packet with the given header fields and payload. */
    public static byte[] rtp(int payloadType, int sequence, int timestamp, int ssrc, byte[] payload) {
        byte[] d = new byte[12 + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) payloadType;
        d[2] = (byte) (sequence >>> 8);
        d[3] = (byte) sequence;
        d[4] = (byte) (timestamp >>> 24);
        d[5] = (byte) (timestamp >>> 16);
        d[6] = (byte) (timestamp >>> 8);
        d[7] = (byte) timestamp;
        d[8] = (byte) (ssrc >>> 24);
        d[9] = (byte) (ssrc >>> 16);
        d[10] = (byte) (ssrc >>> 8);
        d[11] = (byte) ssrc;
        System.arraycopy(payload, 0, d, 12, payload.length);
        return d;
    }

    /** Sends the next packet of this peer's own PCMU stream (sequence and timestamp advance). */
    public synchronized void sendFrame(int toPort, byte[] payload) {
        sendRaw(toPort, rtp(0, seq, ts, ssrc, payload));
        seq = (seq + 1) & 0xFFFF;
        ts += 160;
        framesSent++;
    }

    /** RTP frames sent so far by {@link #sendFrame} (and so by {@link #startTone}). */
    public long framesSent() {
        return framesSent;
    }

    /**
     * Sends an empty RTCP receiver report (RFC 3550 §6.4.2) to {@code toPort}, as a peer that only listens would: the
     * server sends a leg nothing until its address has sent valid RTP or RTCP.
     */
    public void sendReceiverReport(int toPort) {
        sendRaw(toPort, new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0x50, 0x45, 0x45, 0x52});
    }

    public void sendRaw(int toPort, byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getByName("127.0.0.1"), toPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong LATE_SENDS = new java.util.concurrent.atomic.AtomicLong();
    /** Later than this behind its 20 ms schedule, a tone's packet may reach the server too late to play (its prefill). */
    private static final long LATE_NANOS = 30_000_000L;

    /** Tone packets, of every peer in this JVM so far, sent more than 30 ms behind schedule (the thread was starved). */
    public static long lateSends() {
        return LATE_SENDS.get();
    }

    /** Starts sending a tone to {@code toPort}, one packet every 20 ms, from a background thread. */
    public void startTone(int toPort, double hz) {
        startTone(toPort, hz, 4096);
    }

    /** Like {@link #startTone(int, double)}, with a sine of peak {@code amplitude} (of 32768). */
    public void startTone(int toPort, double hz, int amplitude) {
        stopTone();
        talking = true;
        Thread t = Thread.ofPlatform().daemon(true).name("rtp-peer-tone").start(() -> {
            long next = System.nanoTime();
            long frame = 0;
            while (talking) {
                sendFrame(toPort, pcmuTone(hz, frame++, amplitude));
                next += 20_000_000L;
                long wait = next - System.nanoTime();
                if (wait < -LATE_NANOS) {
                    LATE_SENDS.incrementAndGet(); // this thread was starved: the server may have had to conceal
                }
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        talker = t;
    }

    public void stopTone() {
        talking = false;
        Thread t = talker;
        if (t != null) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        talker = null;
    }

    /** Waits up to {@code timeoutMillis} for one RTP packet; null on timeout. */
    public Packet receive(int timeoutMillis) {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = System.nanoTime();
        int len = p.getLength();
        int cc = buf[0] & 0x0F;
        int off = 12 + 4 * cc;
        int pt = buf[1] & 0x7F;
        int sq = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
        int ss = ((buf[8] & 0xFF) << 24) | ((buf[9] & 0xFF) << 16) | ((buf[10] & 0xFF) << 8) | (buf[11] & 0xFF);
        return new Packet(pt, sq, ss, Arrays.copyOfRange(buf, off, len), now);
    }

    /** Discards everything already queued on the socket. */
    public int drain() {
        int n = 0;
        while (receive(1) != null) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        stopTone();
        socket.close();
    }
}
