package dev.switchboard.graph;

import dev.switchboard.core.Operation;
import dev.switchboard.core.OperationKind;
import dev.switchboard.core.OperationStatus;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ResultInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CallJson#operationBytes} writes exactly the bytes of {@link CallJson#operation}'s tree, streamed or not. */
class CallJsonOperationBytesTest {
    private static final String BASE = "http://127.0.0.1:8080/v1.0";
    private static final Instant AT = Instant.parse("2026-12-02T17:00:00Z");

    private static Operation op(OperationKind kind, OperationStatus status, String context, ResultInfo result,
                                List<ParticipantIdentity> invitees) {
        return new Operation("0b6f4a8e-1c7d-4d2a-9b1e-2f3c4d5e6f70", "call-1", kind, status, context, result, invitees, AT);
    }

    private static void assertSameAsTree(Operation op, String base) {
        byte[] streamed = CallJson.operationBytes(op, base);
        byte[] tree = GraphWire.bytes(CallJson.operation(op, base));
        assertThat(new String(streamed, StandardCharsets.UTF_8)).isEqualTo(new String(tree, StandardCharsets.UTF_8));
    }

    @Test
    void aMuteIsTheTreesBytesWithAndWithoutContext() {
        assertSameAsTree(op(OperationKind.MUTE, OperationStatus.COMPLETED, "load-42", null, List.of()), BASE);
        assertSameAsTree(op(OperationKind.UNMUTE, OperationStatus.COMPLETED, null, null, List.of()), BASE);
        assertSameAsTree(op(OperationKind.MUTE, OperationStatus.COMPLETED, "x", null, List.of()), null);
    }

    @Test
    void escapesAndNonAsciiContextAndResultInfoAreTheTreesBytes() {
        String nasty = "quote \" backslash \\ tab \t newline \n control \u0001 é ✓ 😀 </script>";
        assertSameAsTree(op(OperationKind.MUTE, OperationStatus.FAILED, nasty,
                new ResultInfo(404, 2203, "Participant \"p\" not found"), List.of()), BASE);
        assertSameAsTree(op(OperationKind.SEND_DTMF_TONES, OperationStatus.RUNNING, "ctx",
                new ResultInfo(200, 0, null), List.of()), BASE + "/\"odd\"");
    }

    @Test
    void invitesAndRecordingsStillGoThroughTheTree() {
        assertSameAsTree(op(OperationKind.INVITE, OperationStatus.RUNNING, "inv",
                null, List.of()), BASE);
        assertSameAsTree(op(OperationKind.RECORD_RESPONSE, OperationStatus.RUNNING, "rec", null, List.of()), BASE);
    }
}
