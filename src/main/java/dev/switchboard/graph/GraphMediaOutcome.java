package dev.switchboard.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.MediaOutcome;
import dev.switchboard.core.Operation;
import dev.switchboard.core.OperationKind;

/**
 * The service-hosted media properties of an operation: {@code recordingLocation} and {@code recordingAccessToken}
 * (v1.0 {@code recordOperation}, null while running) and the beta-style {@code completionReason} as an extra
 * property once finished (v1.0 has no typed one; docs/compatibility.md).
 */
final class GraphMediaOutcome {
    private GraphMediaOutcome() {
    }

    static void write(ObjectNode n, Operation op) {
        MediaOutcome m = op.media();
        if (op.kind() == OperationKind.RECORD_RESPONSE) {
            n.put("recordingLocation", m == null ? null : m.recordingLocation());
            n.put("recordingAccessToken", m == null ? null : m.recordingAccessToken());
        }
        if (m != null && m.completionReason() != null) {
            n.put("completionReason", m.completionReason());
        }
    }
}
