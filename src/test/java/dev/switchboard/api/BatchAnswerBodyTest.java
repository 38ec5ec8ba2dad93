package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.graph.GraphWire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JSON answer is copied into the batch's answer as written ({@link BatchHandler#oneJsonValue}) exactly when reading
 * it into a tree, as the batch did before, would have found one JSON value, and the copy reads as the same tree;
 * otherwise it is sent base64.
 */
class BatchAnswerBodyTest {
    @Test
    void aBodyIsCopiedAsJsonExactlyWhenItReadsAsOneJsonTree() {
        List<byte[]> bodies = new java.util.ArrayList<>(List.of(
                "{\"a\":[1,2.5,\"x\\u00e9\",null,true,{}]}", " [] ", "null", "42", "\"s\"", "{\"a\":1}\r\n",
                "", "  ", "{", "{\"a\":1} {}", "{\"a\":1} x", "[1,]", "{\"a\":\"\\q\"}", "\"unterminated", "1 2",
                "{\"a\":" + "[".repeat(GraphWire.MAX_NESTING_DEPTH + 1) + "]".repeat(GraphWire.MAX_NESTING_DEPTH + 1) + "}",
                "1" + "0".repeat(GraphWire.MAX_NUMBER_LENGTH + 5)).stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
        bodies.add(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}', ' '}); // a byte order mark first
        bodies.add(new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'}); // not UTF-8
        bodies.add(new byte[] {'{', '"', (byte) 0xc3, '"', ':', '1', '}'}); // a cut UTF-8 sequence in a name
        for (byte[] body : bodies) {
            String json = BatchHandler.oneJsonValue(body);
            assertThat(json != null).as(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(readsAsOneTree(body));
            if (json != null) { // the value alone, which reads as the same tree
                assertThat(json).isEqualTo(json.strip()).doesNotStartWith("\ufeff");
                assertThat(tree(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(tree(body));
            }
        }
    }

    private static JsonNode tree(byte[] body) {
        try {
            return GraphWire.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean readsAsOneTree(byte[] body) {
        try {
            JsonNode json = GraphWire.JSON.readTree(body);
            return json != null && !json.isMissingNode();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
