package dev.switchboard.media.webrtc;

import dev.switchboard.testsupport.Mutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The WebRTC port's demultiplexer and its legs' transports under seeded mutations of what browsers and strangers
 * send: STUN checks (for this leg, for another, for no one; indications, responses, other methods; attributes
 * added, repeated, reordered, too long, after MESSAGE-INTEGRITY, after FINGERPRINT; wrong passwords; bytes changed
 * afterwards, with and without a FINGERPRINT computed again), SRTP and SRTCP (fresh, replayed, changed), and
 * datagrams of no protocol. An oracle written here from RFC 8489, RFC 8445 §7.3 and RFC 3711, independently of
 * {@link StunMessage} and {@link SrtpContext}, says what each datagram deserves, and the port must agree datagram by
 * datagram:
 * <ul>
 *   <li>a success response goes out only for a check that names the leg and whose HMAC, computed here, is right;
 *       it goes to the check's source, with its transaction ID, its address, and a valid HMAC and FINGERPRINT;</li>
 *   <li>every check that deserves an answer gets one;</li>
 *   <li>SRTP or SRTCP is passed on only if it is a packet the browser protected, unchanged, and new; a changed one
 *       never is, and a forged one cannot move the replay window (the next real packet still passes);</li>
 *   <li>every datagram that is not answered, passed on, handed to DTLS or a binding indication is counted once,
 *       under the reason the oracle expects; nothing is counted twice.</li>
 * </ul>
 * {@code -Dfuzz.seed=N} replays a run; {@code -Dfuzz.datagrams=N} sets its length.
 */
class WebRtcDemuxFuzzTest {
    private static final SecureRandom SECURE = new SecureRandom();
    private static final DtlsCertificate CERT = DtlsCertificate.generate("switchboard", Duration.ofDays(1), SECURE);
    private static final InetSocketAddress BROWSER = address("192.0.2.7", 50000);
    private static final InetSocketAddress STRANGER = address("192.0.2.66", 50000);
    private static final InetSocketAddress BROWSER_OTHER_PORT = address("192.0.2.7", 50001);
    private static final List<InetSocketAddress> SOURCES = List.of(BROWSER, BROWSER, BROWSER, STRANGER, BROWSER_OTHER_PORT);
    private static final int MAGIC = 0x2112_A442;

    /** A leg under test: its credentials, the browser's keys (null: no DTLS yet) and what it passed on. */
    private record Leg(String ufrag, String password, String remoteUfrag, SrtpMasterKeys browserKeys, WebRtcTransport transport,
                       List<byte[]> delivered) {
        byte[] username() {
            return (ufrag + ":" + remoteUfrag).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The oracle's verdict on one datagram. */
    private enum Expect { ANSWER, IGNORE, DTLS, DELIVER, DROP }

    private record Verdict(Expect expect, WebRtcDropReason reason, Leg leg) {
        static Verdict drop(WebRtcDropReason reason) {
            return new Verdict(Expect.DROP, reason, null);
        }
    }

    private final WebRtcCounters counters = new WebRtcCounters();
    private final WebRtcDemux demux = new WebRtcDemux(counters);
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final Map<String, Leg> legs = new LinkedHashMap<>();
    /** The oracle's routing table: which leg each address passed a check for. */
    private final Map<InetSocketAddress, Leg> checked = new HashMap<>();
    /** Per leg: the browser's SRTP and SRTCP senders, and what was already passed on (to tell fresh from replayed). */
    private final Map<Leg, SrtpContext> rtpSenders = new java.util.IdentityHashMap<>(); // a Leg's list grows: no hashing
    private final Map<Leg, SrtpContext> rtcpSenders = new java.util.IdentityHashMap<>();
    private final Map<String, byte[]> protectedToPlain = new HashMap<>();
    private final Map<String, Leg> protectedBy = new HashMap<>();
    private final java.util.Set<String> passedOn = new java.util.HashSet<>();
    private final List<String> passedOnInOrder = new ArrayList<>();
    /** Each SRTP packet's index (its sender's rollover counter and sequence number: {@link #sequence} when made). */
    private final Map<String, Long> rtpIndex = new HashMap<>();
    /** Per leg: the SRTP indexes passed on, and the highest (the receiver's s_l and ROC, RFC 3711 §3.3.1). */
    private final Map<Leg, java.util.Set<Long>> indexesPassedOn = new java.util.IdentityHashMap<>();
    private final Map<Leg, Long> highestPassedOn = new java.util.IdentityHashMap<>();
    private int sequence = 1;

    private record Sent(byte[] data, InetSocketAddress to) {
    }

    @BeforeEach
    void setUp() {
        leg("srvufrag", "server-password-0123456789", "brw1",
                new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, filled(16, 3), filled(14, 4)));
        leg("srvgcm", "gcm-password-abcdefghijklmn", "brw2",
                new SrtpMasterKeys(SrtpProfile.AEAD_AES_128_GCM, filled(16, 5), filled(12, 6)));
        leg("srvnokeys", "no-keys-password-0123456789", "brw3", null);
    }

    @AfterEach
    void tearDown() {
        legs.values().forEach(l -> l.transport().close());
    }

    private void leg(String ufrag, String password, String remoteUfrag, SrtpMasterKeys browserKeys) {
        List<byte[]> delivered = new ArrayList<>();
        MediaSink media = new MediaSink() {
            @Override
            public void onRtp(byte[] buf, int length, long nowNanos) {
                delivered.add(Arrays.copyOf(buf, length));
            }

            @Override
            public void onRtcp(byte[] buf, int length, long nowNanos) {
                delivered.add(Arrays.copyOf(buf, length));
            }
        };
        PacketSink sink = (ByteBuffer b, InetSocketAddress to) -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            if (copy.length > 0 && (copy[0] & 0xFF) <= 3) { // STUN; a DTLS alert of a handshake fed junk is not ours to judge
                sent.add(new Sent(copy, to));
            }
        };
        WebRtcTransport transport = new WebRtcTransport(new IceCredentials(ufrag, password), remoteUfrag, CERT.fingerprint(), CERT,
                ConsentPolicy.DEFAULT, counters, sink, media, SECURE, "fuzz-" + ufrag, 0);
        Leg leg = new Leg(ufrag, password, remoteUfrag, browserKeys, transport, delivered);
        if (browserKeys != null) {
            transport.installKeys(browserKeys, new SrtpMasterKeys(browserKeys.profile(), filled(16, 9), filled(browserKeys.salt().length, 8)));
            rtpSenders.put(leg, SrtpContext.create(browserKeys));
            rtcpSenders.put(leg, SrtpContext.create(browserKeys));
        }
        demux.register(transport);
        legs.put(ufrag, leg);
    }

    @Test
    void everyDatagramGetsWhatTheRfcsSayAndNothingElse() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int datagrams = Integer.getInteger("fuzz.datagrams", 6000);
        Random random = new Random(seed);
        List<Leg> all = new ArrayList<>(legs.values());
        Map<Expect, Integer> outcomes = new EnumMap<>(Expect.class);
        long now = 1;
        for (int i = 0; i < datagrams; i++) {
            now += 1_000_000; // 1 ms a datagram: consent stays fresh
            Leg leg = all.get(random.nextInt(all.size()));
            InetSocketAddress from = SOURCES.get(random.nextInt(SOURCES.size()));
            int kind = random.nextInt(100);
            byte[] datagram;
            String what;
            if (kind < 12) {
                datagram = check(random, leg, leg.password(), true);
                what = "a valid check for " + leg.ufrag();
            } else if (kind < 50) {
                Built b = stunVariant(random, leg);
                datagram = b.bytes();
                what = b.what();
                if (random.nextBoolean()) {
                    Mutation m = mutateStun(random, datagram);
                    datagram = m.body();
                    what += ", then " + m.what();
                }
            } else if (kind < 90) {
                Leg keyed = random.nextBoolean() ? legs.get("srvufrag") : legs.get("srvgcm");
                boolean rtcp = random.nextInt(4) == 0;
                byte[] original = protect(keyed, rtcp);
                datagram = original;
                what = (rtcp ? "SRTCP" : "SRTP") + " of " + keyed.ufrag();
                int roll = random.nextInt(10);
                if (roll < 6) {
                    Mutation m = mutateBytes(random, original);
                    datagram = m.body();
                    what += ", " + m.what();
                } else if (roll == 6 && !passedOnInOrder.isEmpty()) {
                    datagram = HexFormat.of().parseHex(passedOnInOrder.get(random.nextInt(passedOnInOrder.size())));
                    what = "a replay of a packet passed on";
                }
            } else {
                datagram = junk(random);
                what = "junk";
            }
            Verdict verdict = judge(datagram, from);
            Map<WebRtcDropReason, Long> before = counters.droppedSnapshot();
            long answeredBefore = counters.stunAnswered();
            int[] deliveredBefore = all.stream().mapToInt(l -> l.delivered().size()).toArray();
            sent.clear();

            byte[] wire = datagram.clone(); // SRTP is decrypted in place
            demux.onDatagram(wire, wire.length, from, now);

            String context = String.format("seed %d, datagram %d (%s) from %s: %s", seed, i, what, from,
                    Mutation.abbreviate(HexFormat.of().formatHex(datagram), 160));
            Map<WebRtcDropReason, Long> after = counters.droppedSnapshot();
            Map<WebRtcDropReason, Long> counted = new EnumMap<>(WebRtcDropReason.class);
            after.forEach((r, n) -> {
                if (n - before.get(r) != 0) {
                    counted.put(r, n - before.get(r));
                }
            });
            long answered = counters.stunAnswered() - answeredBefore;
            List<byte[]> passed = new ArrayList<>();
            for (int l = 0; l < all.size(); l++) {
                List<byte[]> d = all.get(l).delivered();
                for (int k = deliveredBefore[l]; k < d.size(); k++) {
                    passed.add(d.get(k));
                }
            }
            switch (verdict.expect()) {
                case ANSWER -> {
                    if (answered != 1 || !counted.isEmpty() || sent.size() != 1) {
                        fail("%s: expected an answer; answered %d, counted %s, sent %d", context, answered, counted, sent.size());
                    }
                    checkResponse(sent.peek(), datagram, from, verdict.leg(), context);
                    checked.put(from, verdict.leg());
                }
                case DELIVER -> {
                    if (passed.size() != 1 || !counted.isEmpty() || answered != 0) {
                        fail("%s: expected it passed on to %s; passed %d, counted %s", context, verdict.leg().ufrag(), passed.size(), counted);
                    }
                    byte[] plain = protectedToPlain.get(HexFormat.of().formatHex(datagram));
                    assertThat(passed.get(0)).as(context).isEqualTo(plain);
                    assertThat(verdict.leg().delivered()).as(context).endsWith(passed.get(0));
                    passedOn.add(HexFormat.of().formatHex(datagram));
                    passedOnInOrder.add(HexFormat.of().formatHex(datagram));
                    Long index = rtpIndex.get(HexFormat.of().formatHex(datagram));
                    if (index != null) {
                        indexesPassedOn.computeIfAbsent(verdict.leg(), l -> new java.util.HashSet<>()).add(index);
                        highestPassedOn.merge(verdict.leg(), index, Math::max);
                    }
                }
                case IGNORE -> {
                    if (answered != 0 || !counted.isEmpty() || !passed.isEmpty() || !sent.isEmpty()) {
                        fail("%s: expected it ignored; answered %d, counted %s, passed %d", context, answered, counted, passed.size());
                    }
                }
                case DTLS -> {
                    if (answered != 0 || !passed.isEmpty() || !sent.isEmpty()
                            || !(counted.isEmpty() || counted.equals(Map.of(WebRtcDropReason.DTLS_DROPPED, 1L)))) {
                        fail("%s: expected it handed to DTLS; answered %d, counted %s, passed %d", context, answered, counted, passed.size());
                    }
                }
                case DROP -> {
                    boolean srtpChanged = verdict.reason() == WebRtcDropReason.SRTP_AUTH_FAILED;
                    boolean countedOnce = counted.size() == 1 && counted.values().iterator().next() == 1;
                    boolean asExpected = srtpChanged
                            ? countedOnce && java.util.Set.of(WebRtcDropReason.SRTP_AUTH_FAILED, WebRtcDropReason.SRTP_MALFORMED,
                                    WebRtcDropReason.SRTP_REPLAY).contains(counted.keySet().iterator().next())
                            : counted.equals(Map.of(verdict.reason(), 1L));
                    if (!asExpected || answered != 0 || !passed.isEmpty() || !sent.isEmpty()) {
                        fail("%s: expected a drop (%s); answered %d, counted %s, passed %d", context, verdict.reason(), answered,
                                counted, passed.size());
                    }
                }
            }
            outcomes.merge(verdict.expect(), 1, Integer::sum);
        }
        assertThat(outcomes).as("seed %d: the run reached every outcome: %s", seed, outcomes)
                .containsKeys(Expect.ANSWER, Expect.DELIVER, Expect.DROP, Expect.IGNORE);

        // afterwards, the real browser is answered and its next packet passes: nothing was left broken
        for (Leg leg : List.of(legs.get("srvufrag"), legs.get("srvgcm"))) {
            byte[] check = check(random, leg, leg.password(), true);
            sent.clear();
            demux.onDatagram(check, check.length, BROWSER, now);
            assertThat(sent).as("seed %d: %s's check after the run", seed, leg.ufrag()).hasSize(1);
            int n = leg.delivered().size();
            byte[] srtp = protect(leg, false);
            demux.onDatagram(srtp, srtp.length, BROWSER, now);
            assertThat(leg.delivered()).as("seed %d: %s's next packet after the run", seed, leg.ufrag()).hasSize(n + 1);
            // and a new stream of the browser's (forged SSRCs among the changed packets must not have taken its slot)
            byte[] plain = rtp(1);
            putInt(plain, 8, 0x600D_F00D);
            byte[] buf = Arrays.copyOf(plain, 200);
            byte[] fresh = Arrays.copyOf(buf, SrtpContext.create(leg.browserKeys()).protectRtp(buf, plain.length));
            demux.onDatagram(fresh, fresh.length, BROWSER, now);
            assertThat(leg.delivered()).as("seed %d: %s's new stream after the run", seed, leg.ufrag()).hasSize(n + 2);
        }
    }

    // ------------------------------------------------------------------ the oracle

    /** What {@code d} from {@code from} deserves, from the RFCs and the routing the checks so far set up. */
    private Verdict judge(byte[] d, InetSocketAddress from) {
        if (d.length == 0) {
            return Verdict.drop(WebRtcDropReason.UNKNOWN_PROTOCOL);
        }
        int first = d[0] & 0xFF;
        if (first <= 3) {
            return judgeStun(d);
        }
        Leg leg = checked.get(from);
        if (first >= 20 && first <= 63) {
            if (leg == null) {
                return Verdict.drop(WebRtcDropReason.UNKNOWN_SOURCE);
            }
            // no suite is ever chosen here: the shortest tag of any offered suite (16) is the bound
            return DtlsFraming.wellFramed(d, 16) ? new Verdict(Expect.DTLS, null, leg) : Verdict.drop(WebRtcDropReason.DTLS_MALFORMED);
        }
        if (first < 128 || first > 191) {
            return Verdict.drop(WebRtcDropReason.UNKNOWN_PROTOCOL);
        }
        if (leg == null) {
            return Verdict.drop(WebRtcDropReason.UNKNOWN_SOURCE);
        }
        if (leg.browserKeys() == null) {
            return Verdict.drop(WebRtcDropReason.SRTP_NO_KEYS);
        }
        String hex = HexFormat.of().formatHex(d);
        byte[] plain = protectedToPlain.get(hex);
        if (plain == null || protectedBy.get(hex) != leg) {
            return Verdict.drop(WebRtcDropReason.SRTP_AUTH_FAILED); // changed, or another leg's keys: any SRTP refusal
        }
        if (!passedOn.contains(hex)) {
            return new Verdict(Expect.DELIVER, null, leg);
        }
        Long index = rtpIndex.get(hex);
        if (index != null) {
            // a replay 2^15 or more behind is given another rollover period's index (RFC 3711 Appendix A): the
            // replay window (§3.3.2) judges that index, and if it lets it through, authentication under it fails
            long highest = highestPassedOn.get(leg);
            long guessed = guessedIndex(highest, (int) (index & 0xFFFF));
            boolean windowRefuses = guessed < 0 || (guessed <= highest
                    && (highest - guessed >= 64 || indexesPassedOn.get(leg).contains(guessed)));
            if (!windowRefuses) {
                return Verdict.drop(WebRtcDropReason.SRTP_AUTH_FAILED);
            }
        }
        return Verdict.drop(WebRtcDropReason.SRTP_REPLAY);
    }

    /**
     * RFC 3711 §3.3.1 and Appendix A: the index a receiver whose highest index is {@code highest} gives sequence
     * number {@code seq} (the rollover counter of {@code highest}, or one less or one more when {@code seq} is more
     * than half the sequence space away from its highest sequence number).
     */
    private static long guessedIndex(long highest, int seq) {
        long roc = highest >>> 16;
        int highestSeq = (int) (highest & 0xFFFF);
        if (highestSeq < 32768 && seq - highestSeq > 32768) {
            roc--;
        } else if (highestSeq >= 32768 && highestSeq - 32768 > seq) {
            roc++;
        }
        return roc << 16 | seq;
    }

    private Verdict judgeStun(byte[] d) {
        int n = d.length;
        if (n < 20 || n % 4 != 0 || (d[0] & 0xC0) != 0 || getInt(d, 4) != MAGIC || getShort(d, 2) != n - 20) {
            return Verdict.drop(WebRtcDropReason.STUN_MALFORMED);
        }
        int type = getShort(d, 0);
        byte[] username = null;
        int integrity = -1;
        int fingerprint = -1;
        for (int at = 20; at < n; ) {
            if (fingerprint >= 0 || at + 4 > n) {
                return Verdict.drop(WebRtcDropReason.STUN_MALFORMED); // FINGERPRINT is last (RFC 8489 §14.7)
            }
            int attribute = getShort(d, at);
            int length = getShort(d, at + 2);
            int next = at + 4 + (length + 3) / 4 * 4;
            if (next > n) {
                return Verdict.drop(WebRtcDropReason.STUN_MALFORMED);
            }
            if (attribute == 0x8028) {
                if (length != 4) {
                    return Verdict.drop(WebRtcDropReason.STUN_MALFORMED);
                }
                fingerprint = at;
            } else if (integrity < 0) { // after MESSAGE-INTEGRITY only FINGERPRINT counts (§14.5)
                if (attribute == 0x0008 && length != 20 || attribute == 0x0024 && length != 4) {
                    return Verdict.drop(WebRtcDropReason.STUN_MALFORMED);
                }
                if (attribute == 0x0008) {
                    integrity = at;
                } else if (attribute == 0x0006) {
                    username = Arrays.copyOfRange(d, at + 4, at + 4 + length);
                }
            }
            at = next;
        }
        if (type == 0x0011) {
            return new Verdict(Expect.IGNORE, null, null); // a binding indication: a keepalive
        }
        int colon = username == null ? -1 : indexOf(username, (byte) ':');
        if (colon <= 0) {
            return Verdict.drop(WebRtcDropReason.STUN_UNAUTHENTICATED);
        }
        Leg leg = legs.get(new String(username, 0, colon, StandardCharsets.UTF_8));
        if (leg == null) {
            return Verdict.drop(WebRtcDropReason.UNKNOWN_UFRAG);
        }
        if (type != 0x0001 || fingerprint < 0 || !fingerprintValid(d, fingerprint)) {
            return Verdict.drop(WebRtcDropReason.STUN_MALFORMED);
        }
        if (!Arrays.equals(username, leg.username()) || integrity < 0 || !integrityValid(d, integrity, leg.password())) {
            return Verdict.drop(WebRtcDropReason.STUN_UNAUTHENTICATED);
        }
        return new Verdict(Expect.ANSWER, null, leg);
    }

    /** The success response must echo the transaction, map the source, and be signed with the leg's password. */
    private void checkResponse(Sent response, byte[] request, InetSocketAddress from, Leg leg, String context) {
        byte[] r = response.data();
        assertThat(response.to()).as(context).isEqualTo(from);
        assertThat(getShort(r, 0)).as(context).isEqualTo(0x0101);
        assertThat(Arrays.copyOfRange(r, 4, 20)).as(context).isEqualTo(Arrays.copyOfRange(request, 4, 20));
        InetSocketAddress mapped = null;
        int integrity = -1;
        int fingerprint = -1;
        for (int at = 20; at < r.length; at += 4 + (getShort(r, at + 2) + 3) / 4 * 4) {
            int attribute = getShort(r, at);
            if (attribute == 0x0020) {
                int port = getShort(r, at + 6) ^ (MAGIC >>> 16);
                byte[] ip = new byte[4];
                for (int k = 0; k < 4; k++) {
                    ip[k] = (byte) (r[at + 8 + k] ^ r[4 + k]);
                }
                mapped = new InetSocketAddress(inet(ip), port);
            } else if (attribute == 0x0008) {
                integrity = at;
            } else if (attribute == 0x8028) {
                fingerprint = at;
            }
        }
        assertThat(mapped).as(context).isEqualTo(from);
        assertThat(integrity >= 0 && integrityValid(r, integrity, leg.password())).as(context).isTrue();
        assertThat(fingerprint == r.length - 8 && fingerprintValid(r, fingerprint)).as(context).isTrue();
    }

    private static boolean integrityValid(byte[] d, int at, String password) {
        byte[] covered = Arrays.copyOf(d, at);
        covered[2] = (byte) ((at + 24 - 20) >>> 8);
        covered[3] = (byte) (at + 24 - 20);
        return MessageDigest.isEqual(hmac(password, covered), Arrays.copyOfRange(d, at + 4, at + 24));
    }

    private static boolean fingerprintValid(byte[] d, int at) {
        CRC32 crc = new CRC32();
        crc.update(d, 0, at);
        return ((int) crc.getValue() ^ 0x5354_554E) == getInt(d, at + 4);
    }

    // ------------------------------------------------------------------ what is sent

    private record Built(String what, byte[] bytes) {
    }

    /** A browser's check, built here (not with {@link StunWriter}): USERNAME, attributes, MESSAGE-INTEGRITY, FINGERPRINT. */
    private static byte[] check(Random random, Leg leg, String password, boolean fingerprint) {
        List<byte[]> attributes = new ArrayList<>();
        attributes.add(attribute(0x0006, leg.username()));
        attributes.add(attribute(0x0024, new byte[] {0x6E, 0, 0x1E, (byte) 0xFF}));
        attributes.add(attribute(0x802A, new byte[8]));
        if (random.nextBoolean()) {
            attributes.add(attribute(0x0025, new byte[0]));
        }
        return stun(random, 0x0001, attributes, password, 20, List.of(), fingerprint);
    }

    /** A check changed at the level of its structure, signed (or not) after the change. */
    private Built stunVariant(Random random, Leg leg) {
        List<Leg> all = new ArrayList<>(legs.values());
        Leg other = all.get(random.nextInt(all.size()));
        int type = 0x0001;
        byte[] username = leg.username();
        String password = leg.password();
        int integrityLength = 20;
        boolean fingerprint = true;
        List<byte[]> before = new ArrayList<>(List.of(attribute(0x0006, username), attribute(0x0024, new byte[] {1, 2, 3, 4})));
        List<byte[]> after = new ArrayList<>();
        String what;
        switch (random.nextInt(16)) {
            case 0 -> {
                type = List.of(0x0011, 0x0101, 0x0111, 0x0003, 0x0002, 0x0201).get(random.nextInt(6));
                what = "type " + Integer.toHexString(type);
            }
            case 1 -> {
                String u = List.of("", ":", leg.ufrag(), leg.ufrag() + ":", ":" + leg.remoteUfrag(), leg.ufrag() + ":" + leg.remoteUfrag() + ":x",
                        leg.ufrag().toUpperCase() + ":" + leg.remoteUfrag(), leg.ufrag() + ":" + other.remoteUfrag(),
                        other.ufrag() + ":" + leg.remoteUfrag(), leg.ufrag() + "x:" + leg.remoteUfrag(), " " + leg.ufrag() + ":" + leg.remoteUfrag(),
                        "nobody:" + leg.remoteUfrag(), leg.ufrag() + ":" + leg.remoteUfrag() + "\0").get(random.nextInt(13));
                before.set(0, attribute(0x0006, u.getBytes(StandardCharsets.UTF_8)));
                what = "USERNAME '" + u + "'";
            }
            case 2 -> {
                password = List.of(other.password(), "", "x", leg.password() + " ", leg.password().substring(1)).get(random.nextInt(5));
                what = "signed with '" + password + "'";
            }
            case 3 -> {
                before.remove(0);
                what = "no USERNAME";
            }
            case 4 -> {
                password = null;
                what = "no MESSAGE-INTEGRITY";
            }
            case 5 -> {
                fingerprint = false;
                what = "no FINGERPRINT";
            }
            case 6 -> {
                integrityLength = random.nextBoolean() ? 19 : 21;
                what = "MESSAGE-INTEGRITY of " + integrityLength + " bytes";
            }
            case 7 -> {
                before.add(attribute(0x0006, other.username()));
                what = "a second USERNAME, " + other.ufrag() + "'s";
            }
            case 8 -> {
                before.add(0, attribute(0x0006, other.username()));
                what = "another USERNAME first, " + other.ufrag() + "'s";
            }
            case 9 -> {
                after.add(attribute(0x0006, other.username()));
                after.add(attribute(0x0024, new byte[3]));
                what = "USERNAME and a short PRIORITY after MESSAGE-INTEGRITY";
            }
            case 10 -> {
                before.add(attribute(0x0024, new byte[random.nextInt(9)]));
                what = "a PRIORITY of another length";
            }
            case 11 -> {
                int t = random.nextInt(0x10000);
                before.add(random.nextInt(before.size() + 1), attribute(t, randomBytes(random, random.nextInt(40))));
                what = "attribute " + Integer.toHexString(t);
            }
            case 12 -> {
                before.add(attribute(0x0006, randomBytes(random, random.nextInt(600))));
                what = "a USERNAME of random bytes";
            }
            case 13 -> {
                for (int k = random.nextInt(1, 60); k > 0; k--) {
                    before.add(attribute(0x0025, new byte[0]));
                }
                what = "USE-CANDIDATE repeated";
            }
            case 14 -> {
                before.add(attribute(0x0020, new byte[] {0, 1, 0x21, 0x12, 1, 2, 3, 4}));
                what = "an XOR-MAPPED-ADDRESS in a request";
            }
            default -> {
                Leg target = other;
                before.set(0, attribute(0x0006, target.username()));
                password = target.password();
                what = "a valid check for " + target.ufrag();
            }
        }
        byte[] d = stun(random, type, before, password, integrityLength, after, fingerprint);
        if (random.nextInt(8) == 0) {
            d = concat(d, attribute(random.nextBoolean() ? 0x8028 : 0x0025, new byte[4]));
            what += ", an attribute after FINGERPRINT";
        }
        return new Built(what, d);
    }

    /** Byte-level changes to a STUN message; half the time the header's length, then the FINGERPRINT, are made right again. */
    private static Mutation mutateStun(Random random, byte[] d) {
        Mutation m = mutateBytes(random, d);
        byte[] b = m.body();
        String what = m.what();
        if (b.length >= 20 && b.length % 4 == 0 && random.nextBoolean()) {
            b[2] = (byte) ((b.length - 20) >>> 8);
            b[3] = (byte) (b.length - 20);
            if (b.length >= 28 && getShort(b, b.length - 8) == 0x8028) {
                CRC32 crc = new CRC32();
                crc.update(b, 0, b.length - 8);
                putInt(b, b.length - 4, (int) crc.getValue() ^ 0x5354_554E);
            }
            what += ", length and FINGERPRINT made right";
        }
        return new Mutation(what, null, b);
    }

    private static Mutation mutateBytes(Random random, byte[] original) {
        byte[] d = original.clone();
        int at = d.length == 0 ? 0 : random.nextInt(d.length);
        return switch (random.nextInt(9)) {
            case 0 -> {
                d[at] ^= (byte) (1 << random.nextInt(8));
                yield new Mutation("bit flipped at " + at, null, d);
            }
            case 1 -> {
                d[at] = (byte) List.of(0, 0xFF, 0x7F, 0x80, 1).get(random.nextInt(5)).intValue();
                yield new Mutation("byte " + at + " set", null, d);
            }
            case 2 -> {
                int n = random.nextInt(d.length + 1);
                yield new Mutation("cut to " + n, null, Arrays.copyOf(d, n));
            }
            case 3 -> {
                int n = random.nextBoolean() ? 4 : random.nextInt(1, 9);
                yield new Mutation(n + " bytes added", null, concat(d, randomBytes(random, n)));
            }
            case 4 -> {
                int field = random.nextInt(Math.max(1, Math.min(d.length, 24) / 2)) * 2;
                if (field + 1 < d.length) {
                    d[field] = (byte) random.nextInt(256);
                    d[field + 1] = (byte) random.nextInt(256);
                }
                yield new Mutation("header field at " + field + " changed", null, d);
            }
            case 5 -> {
                d[0] = (byte) List.of(0, 3, 4, 19, 20, 22, 63, 64, 127, 128, 191, 192, 255).get(random.nextInt(13)).intValue();
                yield new Mutation("first byte " + (d[0] & 0xFF), null, d);
            }
            case 6 -> {
                int word = d.length / 4 > 0 ? random.nextInt(d.length / 4) * 4 : 0;
                byte[] cut = new byte[Math.max(0, d.length - 4)];
                if (d.length >= 4) {
                    System.arraycopy(d, 0, cut, 0, word);
                    System.arraycopy(d, word + 4, cut, word, d.length - word - 4);
                }
                yield new Mutation("4 bytes removed at " + word, null, cut);
            }
            case 7 -> {
                int word = d.length / 4 > 0 ? random.nextInt(d.length / 4) * 4 : 0;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(d, 0, Math.min(word + 4, d.length));
                out.write(d, word, Math.min(4, d.length - word));
                out.write(d, Math.min(word + 4, d.length), d.length - Math.min(word + 4, d.length));
                yield new Mutation("4 bytes repeated at " + word, null, out.toByteArray());
            }
            default -> {
                int from = random.nextInt(d.length + 1);
                int to = Math.min(d.length, from + random.nextInt(1, 12));
                Arrays.fill(d, from, to, (byte) 0);
                yield new Mutation("zeros at " + from + ".." + to, null, d);
            }
        };
    }

    /** A fresh packet of the browser's, protected with {@code leg}'s keys; remembers its plain form. */
    private byte[] protect(Leg leg, boolean rtcp) {
        byte[] plain;
        byte[] buf = new byte[200];
        int n;
        long index = -1;
        if (rtcp) {
            plain = receiverReport();
            System.arraycopy(plain, 0, buf, 0, plain.length);
            n = rtcpSenders.get(leg).protectRtcp(buf, plain.length);
        } else {
            index = sequence; // the sender's first sequence number is 1 and it never skips 2^15: its index is this
            plain = rtp(sequence++);
            System.arraycopy(plain, 0, buf, 0, plain.length);
            n = rtpSenders.get(leg).protectRtp(buf, plain.length);
        }
        byte[] datagram = Arrays.copyOf(buf, n);
        String hex = HexFormat.of().formatHex(datagram);
        if (!rtcp) {
            rtpIndex.put(hex, index);
        }
        protectedToPlain.put(hex, plain);
        protectedBy.put(hex, leg);
        return datagram;
    }

    private static byte[] rtp(int seq) {
        byte[] b = new byte[52];
        b[0] = (byte) 0x80;
        b[1] = 111;
        putShort(b, 2, seq);
        putInt(b, 4, seq * 960);
        putInt(b, 8, 0x0BADCAFE);
        for (int i = 12; i < 52; i++) {
            b[i] = (byte) (i * seq);
        }
        return b;
    }

    /** RR with no report blocks, then SDES with a CNAME: the smallest valid compound RTCP packet a browser sends. */
    private static byte[] receiverReport() {
        return new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0x0B, (byte) 0xAD, (byte) 0xCA, (byte) 0xFE,
                (byte) 0x81, (byte) 202, 0, 3, 0x0B, (byte) 0xAD, (byte) 0xCA, (byte) 0xFE, 1, 4, 't', 'e', 's', 't', 0, 0};
    }

    private static byte[] junk(Random random) {
        if (random.nextInt(4) == 0) { // DTLS records of random content, mostly well framed
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int r = random.nextInt(1, 4); r > 0; r--) {
                byte[] header = randomBytes(random, 13);
                header[0] = (byte) random.nextInt(19, 27);
                header[1] = (byte) (random.nextInt(8) == 0 ? 0x03 : 0xFE);
                header[3] = 0;
                header[4] = (byte) random.nextInt(3);
                int length = random.nextInt(0, 60);
                putShort(header, 11, random.nextInt(8) == 0 ? length + random.nextInt(1, 9) : length);
                out.writeBytes(header);
                out.writeBytes(randomBytes(random, length));
            }
            return out.toByteArray();
        }
        byte[] d = randomBytes(random, random.nextInt(0, 300));
        if (d.length > 0 && random.nextBoolean()) {
            d[0] = (byte) List.of(0, 1, 2, 3, 22, 128, 144, 200).get(random.nextInt(8)).intValue();
        }
        return d;
    }

    private static byte[] stun(Random random, int type, List<byte[]> before, String password, int integrityLength, List<byte[]> after,
                               boolean fingerprint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[20];
        putShort(header, 0, type);
        putInt(header, 4, MAGIC);
        byte[] tx = randomBytes(random, 12);
        System.arraycopy(tx, 0, header, 8, 12);
        out.writeBytes(header);
        before.forEach(out::writeBytes);
        if (password != null) {
            byte[] soFar = out.toByteArray();
            putShort(soFar, 2, soFar.length - 20 + 4 + integrityLength);
            out.writeBytes(attribute(0x0008, Arrays.copyOf(hmac(password, soFar), integrityLength)));
        }
        after.forEach(out::writeBytes);
        byte[] d = out.toByteArray();
        if (fingerprint) {
            putShort(d, 2, d.length - 20 + 8);
            CRC32 crc = new CRC32();
            crc.update(d);
            byte[] value = new byte[4];
            putInt(value, 0, (int) crc.getValue() ^ 0x5354_554E);
            d = concat(d, attribute(0x8028, value));
        }
        putShort(d, 2, d.length - 20);
        return d;
    }

    private static byte[] attribute(int type, byte[] value) {
        byte[] a = new byte[4 + (value.length + 3) / 4 * 4];
        putShort(a, 0, type);
        putShort(a, 2, value.length);
        System.arraycopy(value, 0, a, 4, value.length);
        return a;
    }

    private static byte[] hmac(String password, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.isEmpty() ? new byte[1] : password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static int getInt(byte[] b, int at) {
        return getShort(b, at) << 16 | getShort(b, at + 2);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static InetAddress inet(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
