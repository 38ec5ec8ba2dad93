package dev.switchboard.bench;

import dev.switchboard.media.DropReason;
import dev.switchboard.media.IngressFilter;
import dev.switchboard.media.MuteState;
import dev.switchboard.media.Playout;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.media.rtp.RtpPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The per-packet work of the packet thread without the syscall, on the real stages of a leg: the
 * {@link IngressFilter} (parse, source, payload type, latch, mute, budget) and the {@link Playout}'s insert into the
 * jitter buffer, then the mixer's pull of one frame with its PCMU decode ({@code ingestAndPlay}); {@code filterOnly}
 * is the filter alone.
 * The clock advances 20 ms per packet, as a real stream does, so the budget never drops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PacketIngestBenchmark {
    private static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private final RtpPacket packet = new RtpPacket();
    private final DropCount drops = new DropCount();
    private final Playout playout = new Playout(AudioCodec.PCMU, drops);
    private final MuteState mute = new MuteState(playout, () -> { }, drops);
    private final IngressFilter filter = new IngressFilter(SOURCE.getAddress(), 0, true, mute, () -> { });
    private final byte[] datagram = new byte[172];
    private int seq;
    private long now = 1_000_000_000L;

    /** Counts drops without allocation (a benchmark with drops would not measure the admitted path). */
    static final class DropCount implements dev.switchboard.media.DropSink {
        long n;

        @Override
        public void drop(DropReason reason, long count) {
            n += count;
        }
    }

    @Setup
    public void setUp() {
        datagram[0] = (byte) 0x80;
        datagram[8] = 0x12;
    }

    private DropReason ingest() {
        seq = (seq + 1) & 0xFFFF;
        datagram[2] = (byte) (seq >>> 8);
        datagram[3] = (byte) seq;
        now += 20_000_000L;
        DropReason verdict = filter.admit(datagram, datagram.length, SOURCE, packet, now);
        return verdict != null ? verdict : playout.insert(packet, datagram, mute);
    }

    /** The ingress filter alone (parse and every check) on an admitted packet. */
    @Benchmark
    public DropReason filterOnly() {
        seq = (seq + 1) & 0xFFFF;
        datagram[2] = (byte) (seq >>> 8);
        datagram[3] = (byte) seq;
        now += 20_000_000L;
        return filter.admit(datagram, datagram.length, SOURCE, packet, now);
    }

    /** Filter, jitter insert, and the mixer's pull of one frame with its PCMU decode. */
    @Benchmark
    public boolean ingestAndPlay() {
        ingest();
        return playout.pull(mute);
    }

    /** Parsing alone, for reference. */
    @Benchmark
    public RtpPacket.Kind parseOnly() {
        return packet.parse(datagram, datagram.length);
    }
}
