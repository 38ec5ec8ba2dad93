package dev.switchboard.bench;

import dev.switchboard.media.DropReason;
import dev.switchboard.media.DtmfReceiver;
import dev.switchboard.media.DtmfTone;
import dev.switchboard.media.IngressFilter;
import dev.switchboard.media.MuteState;
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
 * The packet thread's cost of one RFC 4733 telephone-event packet: the {@link IngressFilter} (payload-type check,
 * source, latch, budget) and the leg's {@link DtmfReceiver} state machine, for a packet of a key press already
 * reported ({@code repeat}: updates, redundant end packets, duplicates — most event packets) and for one that starts
 * a new key press ({@code newDigit}: the sink here only counts). Run: {@code bench/jmh DtmfIngest}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DtmfIngestBenchmark {
    private static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private final RtpPacket packet = new RtpPacket();
    private final PacketIngestBenchmark.DropCount drops = new PacketIngestBenchmark.DropCount();
    private final MuteState mute = new MuteState(null, () -> { }, drops);
    private final IngressFilter filter = new IngressFilter(SOURCE.getAddress(), 0, 101, true, mute, () -> { });
    private long digits;
    private final DtmfReceiver receiver = new DtmfReceiver(this::count);
    private final byte[] datagram = new byte[16];
    private int seq;
    private int timestamp = 1000;
    private long now = 1_000_000_000L;

    private void count(DtmfTone tone) {
        digits++;
    }

    @Setup
    public void setUp() {
        datagram[0] = (byte) 0x80;
        datagram[1] = 101;
        datagram[8] = 0x12;
        datagram[12] = 5;
        datagram[13] = (byte) 0x8A;
        datagram[15] = (byte) 0xA0;
    }

    private DtmfReceiver.Verdict ingest(boolean newEvent) {
        seq = (seq + 1) & 0xFFFF;
        datagram[2] = (byte) (seq >>> 8);
        datagram[3] = (byte) seq;
        if (newEvent) {
            timestamp += 1600;
            datagram[4] = (byte) (timestamp >>> 24);
            datagram[5] = (byte) (timestamp >>> 16);
            datagram[6] = (byte) (timestamp >>> 8);
            datagram[7] = (byte) timestamp;
        }
        now += 20_000_000L;
        DropReason verdict = filter.admit(datagram, datagram.length, SOURCE, packet, now);
        return verdict != null ? null : receiver.onPacket(packet, datagram);
    }

    @Benchmark
    public DtmfReceiver.Verdict repeat() {
        return ingest(false);
    }

    @Benchmark
    public DtmfReceiver.Verdict newDigit() {
        return ingest(true);
    }
}
