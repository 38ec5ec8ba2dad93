package dev.switchboard.core;

import dev.switchboard.graph.CallJson;
import dev.switchboard.graph.GraphWire;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OperationHistoryTest {
    private static final String CALL = "c0ffee00-0000-4000-8000-000000000001";
    private static final Instant T0 = Instant.parse("2026-12-02T15:30:00.123456789Z");

    private static Operation mute(String id, String clientContext, int n) {
        return new Operation(id, CALL, n % 2 == 0 ? OperationKind.MUTE : OperationKind.UNMUTE, OperationStatus.COMPLETED,
                clientContext, null, List.of(), T0.plusNanos(n * 1_000_001L));
    }

    @Test
    void aKeptOperationReadsBackEqualAndRendersTheSameJsonByteForByte() {
        OperationHistory h = new OperationHistory(CALL, 100);
        List<Operation> kept = new ArrayList<>();
        kept.add(mute(Ids.next(), null, 0));
        kept.add(mute(Ids.next(), "load-123456", 1));
        kept.add(mute(Ids.next(), "", 2));
        kept.add(mute(Ids.next(), "é ü ÿ latin-1", 3));
        kept.add(mute(Ids.next(), "not latin-1: ☎ 電話", 4));
        kept.add(mute(Ids.next(), "x".repeat(CallRules.MAX_CLIENT_CONTEXT), 5));
        kept.add(mute(Ids.next(), "y".repeat(OperationHistory.INLINE_CONTEXT), 6));
        kept.add(mute(Ids.next(), "z".repeat(OperationHistory.INLINE_CONTEXT + 1), 7));
        kept.add(new Operation(Ids.next(), CALL, OperationKind.INVITE, OperationStatus.FAILED, "inv", ResultInfo.INVITE_TIMEOUT,
                List.of(ParticipantIdentity.user("u1", "User One", "t1")), T0));
        kept.add(new Operation(Ids.next(), CALL, OperationKind.INVITE, OperationStatus.COMPLETED, null, ResultInfo.SUCCESS,
                List.of(), T0));
        kept.add(new Operation("not-a-guid", CALL, OperationKind.MUTE, OperationStatus.COMPLETED, null, null, List.of(), T0));
        kept.add(new Operation(Ids.next(), CALL, OperationKind.PLAY_PROMPT, OperationStatus.COMPLETED, null,
                ResultInfo.SUCCESS, List.of(), T0, new MediaOutcome("completedSuccessfully", null, null)));
        for (Operation op : kept) {
            h.add(op);
        }
        for (Operation op : kept) {
            Operation back = h.get(op.id());
            assertThat(back).isEqualTo(op);
            assertThat(GraphWire.bytes(CallJson.operation(back, "https://example.test/v1.0")))
                    .isEqualTo(GraphWire.bytes(CallJson.operation(op, "https://example.test/v1.0")));
        }
        assertThat(h.all()).containsExactlyElementsOf(kept);
    }

    @Test
    void lookupsAreExactAsWithAMap() {
        OperationHistory h = new OperationHistory(CALL, 100);
        String id = Ids.next();
        h.add(mute(id, null, 0));
        assertThat(h.get(id.toUpperCase())).isNull();
        assertThat(h.get(id.substring(1))).isNull();
        assertThat(h.get(Ids.next())).isNull();
        assertThat(h.get("")).isNull();
        assertThat(h.get(null)).isNull();
        UUID u = UUID.fromString(id);
        assertThat(h.get(new UUID(u.getMostSignificantBits(), u.getLeastSignificantBits() ^ 1).toString())).isNull();
    }

    @Test
    void theOldestIsDroppedBeyondTheRetentionAndAReplacementKeepsItsPlace() {
        OperationHistory h = new OperationHistory(CALL, 10);
        List<Operation> all = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Operation op = mute(Ids.next(), "c" + i, i);
            all.add(op);
            h.add(op);
            assertThat(h.size()).isEqualTo(Math.min(i + 1, 10));
        }
        assertThat(h.all()).containsExactlyElementsOf(all.subList(15, 25));
        assertThat(h.get(all.get(14).id())).isNull();
        assertThat(h.get(all.get(15).id())).isEqualTo(all.get(15));

        Operation again = new Operation(all.get(17).id(), CALL, OperationKind.MUTE, OperationStatus.FAILED, "again",
                ResultInfo.SUCCESS, List.of(), T0);
        h.add(again);
        Operation longer = mute(all.get(18).id(), "w".repeat(OperationHistory.INLINE_CONTEXT + 5), 18);
        h.add(longer);
        Operation shorter = mute(all.get(18).id(), "short", 18);
        h.add(shorter);
        List<Operation> expected = new ArrayList<>(all.subList(15, 25));
        expected.set(2, again);
        expected.set(3, shorter);
        assertThat(h.all()).containsExactlyElementsOf(expected);
        assertThat(h.size()).isEqualTo(10);
    }

    @Test
    void aRetentionOfOneKeepsTheLatest() {
        OperationHistory h = new OperationHistory(CALL, 1);
        Operation a = mute(Ids.next(), "a", 0);
        Operation b = mute(Ids.next(), "b", 1);
        h.add(a);
        h.add(b);
        assertThat(h.all()).containsExactly(b);
        assertThat(h.get(a.id())).isNull();
    }

    @Test
    void parseReadsOnlyCanonicalLowercaseGuids() {
        String id = Ids.next();
        UUID u = UUID.fromString(id);
        assertThat(OperationHistory.parse(id)).containsExactly(u.getMostSignificantBits(), u.getLeastSignificantBits());
        assertThat(OperationHistory.parse(id.toUpperCase())).isNull();
        assertThat(OperationHistory.parse("1-1-1-1-1")).isNull();
        assertThat(OperationHistory.parse(id.replace('-', '_'))).isNull();
        assertThat(OperationHistory.parse(id + "0")).isNull();
    }
}
