package dev.switchboard.media;

import dev.switchboard.media.rtp.RtpPacket;
import dev.switchboard.media.rtp.RtpStreamWriter;
import dev.switchboard.media.rtp.TelephoneEvent;
import dev.switchboard.testsupport.RtpPeer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 4733 receiving and sending, packet by packet: the packets are written here from the RFC (§2.3 layout, §2.5
 * timing), not by the code under test, and the sender's packets are checked field by field and fed back.
 */
class DtmfReceiverTest {
    static final int PT = 101;
    static final int SSRC = 0x1234ABCD;

    final List<DtmfTone> heard = new ArrayList<>();
    final DtmfReceiver receiver = new DtmfReceiver(heard::add);
    final RtpPacket packet = new RtpPacket();

    static byte[] event(int seq, int timestamp, int event, boolean end, int duration, boolean marker) {
        return event(seq, timestamp, SSRC, event, end, duration, marker);
    }

    static byte[] event(int seq, int timestamp, int ssrc, int event, boolean end, int duration, boolean marker) {
        byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >>> 8), (byte) duration};
        byte[] d = RtpPeer.rtp(PT, seq, timestamp, ssrc, payload);
        if (marker) {
            d[1] |= (byte) 0x80;
        }
        return d;
    }

    DtmfReceiver.Verdict feed(byte[] datagram) {
        assertThat(packet.parse(datagram, datagram.length)).isEqualTo(RtpPacket.Kind.RTP);
        return receiver.onPacket(packet, datagram);
    }

    /** One key press as a sender following RFC 4733 §2.5 sends it: start, updates, three end packets. */
    List<byte[]> press(int firstSeq, int timestamp, int event) {
        List<byte[]> p = new ArrayList<>();
        p.add(event(firstSeq, timestamp, event, false, 160, true));
        p.add(event(firstSeq + 1, timestamp, event, false, 320, false));
        p.add(event(firstSeq + 2, timestamp, event, false, 480, false));
        for (int i = 0; i < 3; i++) {
            p.add(event(firstSeq + 3 + i, timestamp, event, true, 640, false));
        }
        return p;
    }

    @Test
    void oneDigitPerEventHoweverManyRedundantEndPacketsAndDuplicatesArrive() {
        int seq = 100;
        int ts = 5000;
        for (int key : new int[] {1, 2, 3, 4, 11}) {
            List<byte[]> packets = press(seq, ts, key);
            for (byte[] p : packets) {
                feed(p);
            }
            feed(packets.get(1)); // a duplicated update
            feed(packets.get(5)); // a fourth end packet (retransmission)
            seq += 6;
            ts += 1600;
        }
        assertThat(heard).containsExactly(DtmfTone.TONE1, DtmfTone.TONE2, DtmfTone.TONE3, DtmfTone.TONE4, DtmfTone.POUND);
    }

    @Test
    void aLostStartPacketLosesNothingAndALateOldPacketAddsNothing() {
        List<byte[]> first = press(1, 8000, 5);
        List<byte[]> second = press(7, 9600, 5); // the same key pressed twice: a new timestamp is a new press
        for (byte[] p : first.subList(2, 6)) { // start and first update lost
            assertThat(feed(p)).isIn(DtmfReceiver.Verdict.DIGIT, DtmfReceiver.Verdict.REPEAT);
        }
        for (byte[] p : second) {
            feed(p);
        }
        assertThat(feed(first.get(0))).as("the first press's start arriving late").isEqualTo(DtmfReceiver.Verdict.REPEAT);
        assertThat(heard).containsExactly(DtmfTone.TONE5, DtmfTone.TONE5);
    }

    @Test
    void aKeyHeldPastTheDurationFieldIsOnePressAcrossItsSegments() {
        int seq = 1;
        int ts = 40_000;
        // RFC 4733 §2.5.1.3: segment 1 runs to the duration field's maximum without an end bit ...
        assertThat(feed(event(seq++, ts, 0, false, 160, true))).isEqualTo(DtmfReceiver.Verdict.DIGIT);
        feed(event(seq++, ts, 0, false, 32_000, false));
        feed(event(seq++, ts, 0, false, 0xFFFF, false));
        // ... segment 2 has the next timestamp, no marker bit; sent as the RFC says (+0xFFFF) ...
        assertThat(feed(event(seq++, ts + 0xFFFF, 0, false, 160, false))).isEqualTo(DtmfReceiver.Verdict.REPEAT);
        feed(event(seq++, ts + 0xFFFF, 0, false, 0xFFFF, false));
        // ... segment 3 as libwebrtc sends it (the next 20 ms frame's timestamp, 410 frames of 160 later)
        int third = ts + 0xFFFF + 410 * 160;
        assertThat(feed(event(seq++, third, 0, false, 320, false))).isEqualTo(DtmfReceiver.Verdict.REPEAT);
        for (int i = 0; i < 3; i++) {
            assertThat(feed(event(seq++, third, 0, true, 1600, false))).isEqualTo(DtmfReceiver.Verdict.REPEAT);
        }
        assertThat(heard).as("one 17 s press of 0").containsExactly(DtmfTone.TONE0);

        // the same key again, just as far on: a new press (its start has the marker; or the previous one had ended)
        int next = third + 0xFFFF;
        assertThat(feed(event(seq++, next, 0, false, 0xFFFF, false))).as("after an end packet").isEqualTo(DtmfReceiver.Verdict.DIGIT);
        assertThat(feed(event(seq++, next + 0xFFFF, 0, false, 160, true))).as("a start packet").isEqualTo(DtmfReceiver.Verdict.DIGIT);
        assertThat(feed(event(seq++, next + 2 * 0xFFFF, 5, false, 160, false))).as("another key").isEqualTo(DtmfReceiver.Verdict.DIGIT);
        assertThat(heard).containsExactly(DtmfTone.TONE0, DtmfTone.TONE0, DtmfTone.TONE0, DtmfTone.TONE5);
    }

    @Test
    void aNewSsrcStartsAfreshAndNonDtmfEventsAndShortPayloadsAreNotDigits() {
        feed(event(1, 1_000_000, 9, true, 800, true));
        assertThat(feed(event(1, 500, 0x7777, 9, true, 800, true))).isEqualTo(DtmfReceiver.Verdict.DIGIT);
        assertThat(feed(event(2, 900, 0x7777, 40, false, 160, true))).isEqualTo(DtmfReceiver.Verdict.NOT_DTMF);
        byte[] shortOne = RtpPeer.rtp(PT, 3, 1200, 0x7777, new byte[] {1, 0});
        assertThat(feed(shortOne)).isEqualTo(DtmfReceiver.Verdict.MALFORMED);
        assertThat(heard).containsExactly(DtmfTone.TONE9, DtmfTone.TONE9);
    }

    @Test
    void theSenderWritesRfc4733PacketsThatTheReceiverDecodesOncePerTone() {
        RtpStreamWriter stream = new RtpStreamWriter(0, 160);
        DtmfSender sender = new DtmfSender(PT, 160, Runnable::run);
        List<DtmfSender.Outcome> done = new ArrayList<>();
        sender.enqueue(null, List.of(DtmfTone.TONE1, DtmfTone.STAR, DtmfTone.D), 40, done::add);
        byte[] buf = new byte[200];
        List<byte[]> sent = new ArrayList<>();
        int audioFrames = 0;
        for (int frame = 0; frame < 40; frame++) {
            int n = sender.nextPacket(buf, stream);
            if (n == 0) {
                stream.writeNextHeader(buf); // the frame's audio
                audioFrames++;
                continue;
            }
            assertThat(n).isEqualTo(RtpPacket.HEADER_BYTES + TelephoneEvent.BYTES);
            sent.add(java.util.Arrays.copyOf(buf, n));
        }
        int perTone = DtmfSender.TONE_FRAMES - 1 + DtmfSender.END_REPEATS;
        assertThat(sent).hasSize(3 * perTone);
        assertThat(done).containsExactly(DtmfSender.Outcome.SENT);
        assertThat(audioFrames).as("two 40 ms gaps plus the frames after the last tone").isEqualTo(40 - 3 * perTone);
        int previousSeq = -1;
        for (int t = 0; t < 3; t++) {
            int toneTs = 0;
            for (int i = 0; i < perTone; i++) {
                byte[] p = sent.get(t * perTone + i);
                packet.parse(p, p.length);
                assertThat(packet.payloadType()).isEqualTo(PT);
                assertThat(packet.marker()).isEqualTo(i == 0);
                if (i == 0) {
                    toneTs = packet.timestamp();
                }
                assertThat(packet.timestamp()).as("every packet of an event has its start timestamp").isEqualTo(toneTs);
                boolean end = i >= DtmfSender.TONE_FRAMES - 1;
                assertThat(TelephoneEvent.end(p, 12)).isEqualTo(end);
                assertThat(TelephoneEvent.duration(p, 12)).isEqualTo(Math.min(i + 1, DtmfSender.TONE_FRAMES) * 160);
                assertThat(TelephoneEvent.event(p, 12)).isEqualTo(new int[] {1, 10, 15}[t]);
                if (previousSeq >= 0) {
                    assertThat(packet.sequence()).isEqualTo((previousSeq + 1) & 0xFFFF);
                }
                previousSeq = packet.sequence();
            }
            if (t < 2) {
                previousSeq += 2; // two audio frames of gap (40 ms) between tones
            }
        }
        for (byte[] p : sent) {
            feed(p);
        }
        assertThat(heard).containsExactly(DtmfTone.TONE1, DtmfTone.STAR, DtmfTone.D);
    }

    @Test
    void aCancelledSenderTellsEverySequenceItWasNotSent() {
        DtmfSender sender = new DtmfSender(PT, 960, Runnable::run);
        List<DtmfSender.Outcome> done = new ArrayList<>();
        sender.enqueue(null, List.of(DtmfTone.TONE0), 0, done::add);
        sender.enqueue(null, List.of(DtmfTone.TONE9), 0, done::add);
        sender.nextPacket(new byte[64], new RtpStreamWriter(111, 960));
        sender.cancel();
        assertThat(done).containsExactly(DtmfSender.Outcome.CLOSED, DtmfSender.Outcome.CLOSED);
        sender.enqueue(null, List.of(DtmfTone.A), 0, done::add);
        assertThat(done).containsExactly(DtmfSender.Outcome.CLOSED, DtmfSender.Outcome.CLOSED, DtmfSender.Outcome.CLOSED);
    }

    @Test
    void stoppingOneOwnerEndsItsToneWithEndPacketsAndTheOtherOwnersTonesFollow() {
        RtpStreamWriter stream = new RtpStreamWriter(0, 160);
        DtmfSender sender = new DtmfSender(PT, 160, Runnable::run);
        List<String> done = new ArrayList<>();
        sender.enqueue("leaving-bot", List.of(DtmfTone.TONE1, DtmfTone.TONE2, DtmfTone.TONE3), 0, o -> done.add("leaving " + o));
        sender.enqueue("staying-bot", List.of(DtmfTone.TONE9), 0, o -> done.add("staying " + o));
        sender.enqueue("leaving-bot", List.of(DtmfTone.TONE4), 0, o -> done.add("leaving-queued " + o));
        byte[] buf = new byte[200];
        List<byte[]> sent = new ArrayList<>();
        for (int frame = 0; frame < 2; frame++) { // two frames of tone1: start and one update
            sent.add(java.util.Arrays.copyOf(buf, sender.nextPacket(buf, stream)));
        }
        sender.stop("leaving-bot");
        for (int frame = 0; frame < 30; frame++) {
            int n = sender.nextPacket(buf, stream);
            if (n == 0) {
                stream.writeNextHeader(buf);
                continue;
            }
            sent.add(java.util.Arrays.copyOf(buf, n));
        }
        int perTone = DtmfSender.TONE_FRAMES - 1 + DtmfSender.END_REPEATS;
        assertThat(sent).as("tone1 cut short: 2 tone packets + 3 end packets, then tone9 whole").hasSize(2 + 3 + perTone);
        for (int i = 0; i < 5; i++) {
            byte[] p = sent.get(i);
            assertThat(TelephoneEvent.event(p, 12)).isEqualTo(1);
            assertThat(TelephoneEvent.end(p, 12)).isEqualTo(i >= 2);
            assertThat(TelephoneEvent.duration(p, 12)).isEqualTo(Math.min(i + 1, 3) * 160);
        }
        for (int i = 5; i < sent.size(); i++) {
            assertThat(TelephoneEvent.event(sent.get(i), 12)).as("the other owner's tone").isEqualTo(9);
        }
        assertThat(done).containsExactly("leaving-queued STOPPED", "leaving STOPPED", "staying SENT");
        for (byte[] p : sent) {
            feed(p);
        }
        assertThat(heard).containsExactly(DtmfTone.TONE1, DtmfTone.TONE9);
    }
}
