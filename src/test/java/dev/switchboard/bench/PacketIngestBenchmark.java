package dev.switchboard.bench;

import dev.switchboard.media.rtp.JitterBuffer;
import dev.switchboard.media.rtp.RtpPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The per-packet work of the packet thread without the syscall: parse and validate an RTP datagram,
 * insert its payload into the leg's jitter buffer, and (as the mixer does every 20 ms) pop one frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PacketIngestBenchmark {
    private final RtpPacket packet = new RtpPacket();
    private final JitterBuffer jitter = new JitterBuffer(480);
    private final byte[] datagram = new byte[172];
    private final byte[] out = new byte[480];
    private int seq;

    @Setup
    public void setUp() {
        datagram[0] = (byte) 0x80;
        datagram[8] = 0x12;
    }

    @Benchmark
    public int parseInsertPop() {
        seq = (seq + 1) & 0xFFFF;
        datagram[2] = (byte) (seq >>> 8);
        datagram[3] = (byte) seq;
        packet.parse(datagram, datagram.length);
        jitter.insert(packet.sequence(), packet.ssrc(), datagram, packet.payloadOffset(), packet.payloadLength());
        return jitter.pop(out);
    }

    @Benchmark
    public RtpPacket.Kind parseOnly() {
        return packet.parse(datagram, datagram.length);
    }
}
