package dev.switchboard.media;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testsupport.MediaPorts;
import dev.switchboard.testsupport.Mutation;
import dev.switchboard.testsupport.RtpPeer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain RTP leg's packet path (the packet thread, {@code IngressFilter}, {@code RtpPacket}, the DTMF receiver, the
 * playout, the G.711 and Opus decoders, the mixer) over real UDP, under seeded mutations of what a peer sends: audio
 * frames, RFC 4733 telephone-events and compound RTCP, with header bits, CSRC counts, extensions, padding, payload
 * types, sequence numbers, timestamps, SSRCs and lengths changed, payloads emptied or made too large, bytes flipped,
 * cut and added, some sent from a stranger's address. An oracle written here from RFC 3550 and RFC 5761 says which
 * datagrams are malformed, and the leg must agree:
 * <ul>
 *   <li>every datagram is counted in {@code packets.in};</li>
 *   <li>{@code malformed} counts exactly what the oracle calls malformed: a bad header, a payload type not
 *       negotiated, a telephone-event too short, audio too large (these two are judged after the packet budget, so
 *       they are sent to a budget with tokens); {@code unexpected_source} counts exactly what the stranger sent that
 *       parsed; RTCP from the peer is read exactly as often as the oracle says;</li>
 *   <li>while both talkers are server-muted, every packet the listener gets is silence and no frame is mixed after the
 *       mute returned;</li>
 *   <li>afterwards the talker's tone reaches the listener again, and nothing was logged at ERROR with a stack trace.</li>
 * </ul>
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.packets=N} sets its length.
 */
class MediaFuzzTest {
    private static final int PCMU = 0;
    private static final int EVENT = 101;
    private static final int OPUS = 111;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private RtpMediaEngine engine;
    private MediaRoom room;

    /** What the oracle expects of one leg so far. */
    private static final class Tally {
        final long packetsInBefore;
        long sent;
        long malformed;
        long fromStranger;
        long rtcp;

        Tally(long packetsInBefore) {
            this.packetsInBefore = packetsInBefore;
        }

        boolean allRead(RtpLeg leg, boolean lastNotSent) {
            return leg.stats().packetsIn() - packetsInBefore >= sent - (lastNotSent ? 1 : 0);
        }
    }

    @BeforeEach
    void setUp() {
        int[] range = MediaPorts.nextRange(20);
        engine = new RtpMediaEngine("127.0.0.1", range[0], range[1], meters);
        room = engine.openRoom("fuzz");
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void tearDown() throws Exception {
        root().detachAppender(logs);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        engine.close();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private RtpPeer peer(String host) {
        RtpPeer p = new RtpPeer(host);
        closeables.add(p);
        return p;
    }

    private RtpLeg join(String id, RtpPeer peer, String media) {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=fuzz\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + peer.port() + " RTP/AVP " + media + "\r\na=ptime:20\r\na=sendrecv\r\n";
        RtpLeg leg = (RtpLeg) room.addLeg(id, sdp, InetAddress.getLoopbackAddress());
        peer.sendReceiverReport(leg.localPort());
        await().atMost(Duration.ofSeconds(5)).until(leg::latched);
        return leg;
    }

    @Test
    void everyDatagramIsJudgedAsTheRfcSaysAndTheMixOutlivesIt() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int packets = Integer.getInteger("fuzz.packets", 1600);
        Random random = new Random(seed);
        RtpPeer talker = peer("127.0.0.1");
        RtpPeer opusTalker = peer("127.0.0.1");
        RtpPeer listener = peer("127.0.0.1");
        RtpPeer stranger = peer("127.0.0.2");
        RtpLeg t = join("talker", talker, PCMU + " " + EVENT + "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16");
        RtpLeg o = join("opus", opusTalker, OPUS + "\r\na=rtpmap:111 opus/48000/2");
        join("listener", listener, PCMU + "\r\na=rtpmap:0 PCMU/8000");
        Stream pcmu = new Stream(random.nextInt(), PCMU, 160, Playout.maxPayload(t.stats().codec()));
        Stream opus = new Stream(random.nextInt(), OPUS, 960, Playout.maxPayload(o.stats().codec()));
        LegStats t0 = t.stats();
        LegStats o0 = o.stats();
        Tally tt = new Tally(t0.packetsIn());
        Tally ot = new Tally(o0.packetsIn());
        long rtcp0 = engine.stats().rtcpIn();

        // unmuted, then both talkers server-muted: the listener must hear nothing of them, then unmuted again
        fuzz(random, seed, packets / 2, t, pcmu, tt, talker, stranger, o, opus, ot, opusTalker, null);
        t.setServerMuted(true);
        o.setServerMuted(true);
        listener.drain(); // what the server sent before the mutes returned
        fuzz(random, seed, packets / 4, t, pcmu, tt, talker, stranger, o, opus, ot, opusTalker, listener);
        for (long until = System.nanoTime() + 300_000_000L; System.nanoTime() < until; ) {
            RtpPeer.Packet p = listener.receive(20);
            if (p != null) {
                assertThat(p.pcmuPeak()).as("seed %d: a packet to the listener while both talkers were muted", seed).isLessThan(0.001);
            }
        }
        t.setServerMuted(false);
        o.setServerMuted(false);
        fuzz(random, seed, packets / 4, t, pcmu, tt, talker, stranger, o, opus, ot, opusTalker, null);

        for (Object[] leg : new Object[][] {{"talker", t, t0, tt}, {"opus", o, o0, ot}}) {
            RtpLeg l = (RtpLeg) leg[1];
            LegStats before = (LegStats) leg[2];
            Tally expected = (Tally) leg[3];
            LegStats now = l.stats();
            String as = String.format("seed %d, %s: %s", seed, leg[0], now);
            assertThat(now.packetsIn() - before.packetsIn()).as(as).isEqualTo(expected.sent);
            assertThat(now.dropped(DropReason.MALFORMED) - before.dropped(DropReason.MALFORMED)).as(as).isEqualTo(expected.malformed);
            assertThat(now.dropped(DropReason.UNEXPECTED_SOURCE) - before.dropped(DropReason.UNEXPECTED_SOURCE)).as(as)
                    .isEqualTo(expected.fromStranger);
            assertThat(now.mixedAfterServerMute()).as(as).isZero();
        }
        assertThat(engine.stats().rtcpIn() - rtcp0).as("seed %d: RTCP read", seed).isEqualTo(tt.rtcp + ot.rtcp);
        assertThat(tt.malformed).as("seed %d: the run sent malformed datagrams", seed).isPositive();

        talker.startTone(t.localPort(), 440);
        await("the tone after the run, seed " + seed).atMost(Duration.ofSeconds(5)).until(() -> {
            RtpPeer.Packet q = listener.receive(50);
            return q != null && q.pcmuLevelDbfs(440) > -30;
        });
        talker.stopTone();
        assertThat(engine.stats().mixedAfterMute()).isZero();
        assertThat(logs.list).as("seed %d: no stack trace logged at ERROR", seed)
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getThrowableProxy() != null);
    }

    /**
     * Sends {@code n} datagrams, each to one of the two talking legs, in bursts small enough for a busy machine's
     * socket buffers, waiting for each burst to be read; with {@code listener} set, checks what it hears is silence.
     */
    private void fuzz(Random random, long seed, int n, RtpLeg t, Stream pcmu, Tally tt, RtpPeer talker, RtpPeer stranger,
                      RtpLeg o, Stream opus, Tally ot, RtpPeer opusTalker, RtpPeer listener) {
        for (int i = 0; i < n; i++) {
            boolean toOpus = random.nextInt(3) == 0;
            RtpLeg leg = toOpus ? o : t;
            Stream stream = toOpus ? opus : pcmu;
            Tally tally = toOpus ? ot : tt;
            Mutation m = next(random, stream);
            boolean fromStranger = random.nextInt(10) == 0;
            if (expect(m.body(), fromStranger, stream, tally, leg.serverMuted())) {
                // judged malformed only after the packet budget: let the budget refill (1 packet in 6.7 ms) first
                awaitRead(seed, t, tt, o, ot, tally);
                sleep(15);
            }
            (fromStranger ? stranger : toOpus ? opusTalker : talker).sendRaw(leg.localPort(), m.body());
            if (i % 20 == 19 || i == n - 1) {
                awaitRead(seed, t, tt, o, ot, null);
            }
            RtpPeer.Packet p;
            while (listener != null && (p = listener.receive(0)) != null) {
                assertThat(p.pcmuPeak()).as("seed %d: datagram %d (%s): a packet to the listener while both talkers were muted",
                        seed, i, m.what()).isLessThan(0.001);
            }
        }
    }

    /** Waits until both legs read every datagram sent to them ({@code except}'s last one: not sent yet). */
    private static void awaitRead(long seed, RtpLeg t, Tally tt, RtpLeg o, Tally ot, Tally except) {
        await("every datagram read, seed " + seed).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                .until(() -> tt.allRead(t, except == tt) && ot.allRead(o, except == ot));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the oracle

    /**
     * Adds what the oracle expects of {@code d} to the leg's tally.
     *
     * @return true if {@code d} is malformed only after the packet budget (a telephone-event too short, audio too
     *         large): the caller sends it to a budget with tokens, so the verdict does not depend on timing
     */
    private static boolean expect(byte[] d, boolean fromStranger, Stream stream, Tally tally, boolean muted) {
        tally.sent++;
        String kind = classify(d);
        if (kind.equals("malformed")) {
            tally.malformed++;
        } else if (fromStranger) {
            tally.fromStranger++;
        } else if (kind.equals("rtcp")) {
            tally.rtcp++;
        } else {
            int pt = d[1] & 0x7F;
            int payload = payloadLength(d);
            if (pt != stream.payloadType && pt != EVENT || pt == EVENT && stream.payloadType != PCMU) {
                tally.malformed++; // a payload type the leg did not negotiate
            } else if (pt == EVENT && payload < 4 || pt != EVENT && !muted && payload > stream.maxPayload) {
                tally.malformed++;
                return true;
            }
        }
        return false;
    }

    /** RFC 3550 §5.1 and §6.4, RFC 5761 §4: "rtp", "rtcp" or "malformed", judged here independently of RtpPacket. */
    static String classify(byte[] d) {
        int n = d.length;
        if (n < 8 || (d[0] & 0xC0) != 0x80) {
            return "malformed";
        }
        int secondByte = d[1] & 0xFF;
        if (secondByte >= 192 && secondByte <= 223) { // RTCP packet types 192–223 (RFC 5761)
            int at = 0;
            while (at < n) {
                if (at + 4 > n || (d[at] & 0xC0) != 0x80) {
                    return "malformed";
                }
                at += 4 * (((d[at + 2] & 0xFF) << 8 | d[at + 3] & 0xFF) + 1);
            }
            return at == n ? "rtcp" : "malformed";
        }
        return payloadLength(d) > 0 ? "rtp" : "malformed";
    }

    /** The RTP payload's length after CSRCs, extension and padding, or -1 if the header does not fit. */
    private static int payloadLength(byte[] d) {
        int n = d.length;
        if (n < 12) {
            return -1;
        }
        int start = 12 + 4 * (d[0] & 0x0F);
        if ((d[0] & 0x10) != 0) {
            if (start + 4 > n) {
                return -1;
            }
            start += 4 + 4 * ((d[start + 2] & 0xFF) << 8 | d[start + 3] & 0xFF);
        }
        if (start > n) {
            return -1;
        }
        int end = n;
        if ((d[0] & 0x20) != 0) {
            int padding = d[n - 1] & 0xFF;
            if (padding == 0 || padding > n - start) {
                return -1;
            }
            end -= padding;
        }
        return end - start;
    }

    // ------------------------------------------------------------------ what is sent

    /** One talker's stream: its SSRC, payload type, samples a frame, and where its sequence and timestamp are. */
    private static final class Stream {
        final int payloadType;
        final int samples;
        final int maxPayload;
        int ssrc;
        int seq;
        int timestamp;
        long frame;
        int eventTimestamp = -1;

        Stream(int ssrc, int payloadType, int samples, int maxPayload) {
            this.ssrc = ssrc;
            this.payloadType = payloadType;
            this.samples = samples;
            this.maxPayload = maxPayload;
        }
    }

    /** The stream's next datagram (audio, a key press or RTCP), often changed. */
    private static Mutation next(Random random, Stream s) {
        int roll = random.nextInt(100);
        byte[] d;
        String what;
        if (roll < 12) {
            d = rtcp(random, s.ssrc);
            what = "RTCP";
        } else if (roll < 24 && s.payloadType == PCMU) {
            if (s.eventTimestamp < 0 || random.nextInt(4) == 0) {
                s.eventTimestamp = s.timestamp;
            }
            byte[] event = {(byte) random.nextInt(20), (byte) (random.nextBoolean() ? 0x8A : 0x0A), 0, (byte) random.nextInt(256)};
            d = RtpPeer.rtp(EVENT, s.seq++ & 0xFFFF, s.eventTimestamp, s.ssrc, event);
            what = "telephone-event " + event[0];
        } else {
            byte[] payload = s.payloadType == PCMU ? RtpPeer.pcmuTone(440, s.frame++) : opusLike(random);
            d = RtpPeer.rtp(s.payloadType, s.seq++ & 0xFFFF, s.timestamp, s.ssrc, payload);
            s.timestamp += s.samples;
            what = "audio";
        }
        if (random.nextInt(100) < 55) {
            Mutation m = random.nextBoolean() && d.length >= 12 ? mutateRtp(random, d, s) : mutateBytes(random, d);
            return new Mutation(what + ", " + m.what(), null, m.body());
        }
        return new Mutation(what, null, d);
    }

    /** An Opus packet as far as its first byte goes (a TOC of any mode), then random bytes: decoders must cope. */
    private static byte[] opusLike(Random random) {
        byte[] p = new byte[random.nextInt(1, 120)];
        random.nextBytes(p);
        return p;
    }

    /** RR or SR, sometimes followed by SDES or BYE: a compound RTCP packet (RFC 3550 §6.1). */
    private static byte[] rtcp(Random random, int ssrc) {
        byte[] sr = new byte[28];
        sr[0] = (byte) 0x80;
        sr[1] = (byte) 200;
        sr[3] = 6;
        putInt(sr, 4, ssrc);
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 0};
        putInt(rr, 4, ssrc);
        byte[] first = random.nextBoolean() ? sr : rr;
        if (random.nextBoolean()) {
            return first;
        }
        byte[] sdes = {(byte) 0x81, (byte) 202, 0, 2, 0, 0, 0, 0, 1, 2, 'f', 'z'};
        putInt(sdes, 4, ssrc);
        byte[] bye = {(byte) 0x81, (byte) 203, 0, 1, 0, 0, 0, 0};
        putInt(bye, 4, ssrc);
        return concat(first, random.nextBoolean() ? sdes : bye);
    }

    /** Changes one RTP header field or structure, keeping the rest valid. */
    private static Mutation mutateRtp(Random random, byte[] original, Stream s) {
        byte[] d = original.clone();
        switch (random.nextInt(12)) {
            case 0 -> {
                d[0] = (byte) (d[0] & 0xF0 | random.nextInt(16));
                return new Mutation("CSRC count " + (d[0] & 0x0F), null, d);
            }
            case 1 -> {
                int words = random.nextInt(4) == 0 ? 0xFFFF : random.nextInt(60);
                byte[] extension = new byte[4 + 4 * Math.min(words, 3)];
                extension[0] = (byte) 0xBE;
                extension[1] = (byte) 0xDE;
                extension[2] = (byte) (words >>> 8);
                extension[3] = (byte) words;
                byte[] e = concat(concat(Arrays.copyOf(d, 12), extension), Arrays.copyOfRange(d, 12, d.length));
                e[0] |= 0x10;
                return new Mutation("an extension of " + words + " words", null, e);
            }
            case 2 -> {
                int pad = List.of(0, 1, 3, 8, 9, 160, 255, random.nextInt(256)).get(random.nextInt(8));
                byte[] e = concat(d, new byte[Math.max(1, Math.min(pad, 8))]);
                e[0] |= 0x20;
                e[e.length - 1] = (byte) pad;
                return new Mutation("padding count " + pad, null, e);
            }
            case 3 -> {
                int pt = List.of(0, 8, 9, 13, 96, 100, 101, 111, 72, 73, 127).get(random.nextInt(11));
                d[1] = (byte) (d[1] & 0x80 | pt);
                return new Mutation("payload type " + pt, null, d);
            }
            case 4 -> {
                d[1] ^= (byte) 0x80;
                return new Mutation("marker flipped", null, d);
            }
            case 5 -> {
                int jump = List.of(-1, 1, -20, 20, -300, 300, 30_000, 32_768, -32_768).get(random.nextInt(9));
                int seq = (d[2] & 0xFF) << 8 | d[3] & 0xFF;
                d[2] = (byte) ((seq + jump) >>> 8);
                d[3] = (byte) (seq + jump);
                if (random.nextInt(4) == 0) {
                    s.seq += jump; // the stream goes on from there
                }
                return new Mutation("sequence moved by " + jump, null, d);
            }
            case 6 -> {
                putInt(d, 4, random.nextInt());
                return new Mutation("timestamp set", null, d);
            }
            case 7 -> {
                int ssrc = random.nextInt();
                putInt(d, 8, ssrc);
                if (random.nextInt(3) == 0) {
                    s.ssrc = ssrc; // the peer restarts its stream
                }
                return new Mutation("SSRC changed", null, d);
            }
            case 8 -> {
                int n = List.of(12, 13, 15, 16).get(random.nextInt(4));
                return new Mutation("payload cut to " + (n - 12), null, Arrays.copyOf(d, Math.min(n, d.length)));
            }
            case 9 -> {
                int n = List.of(s.maxPayload, s.maxPayload + 1, 1_281, 1_460).get(random.nextInt(4));
                byte[] e = Arrays.copyOf(d, 12 + n);
                return new Mutation("payload of " + n + " bytes", null, e);
            }
            case 10 -> {
                d[0] = (byte) (d[0] & 0x3F | random.nextInt(4) << 6);
                return new Mutation("version " + ((d[0] & 0xFF) >>> 6), null, d);
            }
            default -> {
                int words = random.nextInt(0, 12);
                if (d.length >= 4) {
                    d[2] = (byte) (words >>> 8); // for RTCP: its length field; for RTP: the sequence number
                    d[3] = (byte) words;
                }
                return new Mutation("bytes 2-3 set to " + words, null, d);
            }
        }
    }

    private static Mutation mutateBytes(Random random, byte[] original) {
        byte[] d = original.clone();
        int at = random.nextInt(d.length);
        return switch (random.nextInt(5)) {
            case 0 -> {
                d[at] ^= (byte) (1 << random.nextInt(8));
                yield new Mutation("bit flipped at " + at, null, d);
            }
            case 1 -> {
                int n = random.nextInt(d.length + 1);
                yield new Mutation("cut to " + n, null, Arrays.copyOf(d, n));
            }
            case 2 -> {
                byte[] more = new byte[random.nextInt(1, 9)];
                random.nextBytes(more);
                yield new Mutation(more.length + " bytes added", null, concat(d, more));
            }
            case 3 -> {
                d[at] = (byte) List.of(0, 0xFF, 0x80, 0x7F).get(random.nextInt(4)).intValue();
                yield new Mutation("byte " + at + " set", null, d);
            }
            default -> {
                byte[] junk = new byte[random.nextInt(1, 200)];
                random.nextBytes(junk);
                yield new Mutation("random bytes", null, junk);
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
