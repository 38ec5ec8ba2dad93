package dev.switchboard.api;

import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mute path's streaming read of an action body ({@link GraphRequests#clientContextOf}) gives the same answer, or
 * the same error message, as the tree read it replaced ({@code clientContext(parseObject(bytes))}), input by input.
 */
class ActionClientContextTest {
    private static String viaTree(byte[] bytes) {
        try {
            return "ok:" + GraphRequests.clientContext(GraphRequests.parseObject(bytes));
        } catch (SwitchboardException e) {
            return "error:" + e.getMessage();
        }
    }

    private static String streamed(byte[] bytes) {
        try {
            return "ok:" + GraphRequests.clientContextOf(bytes);
        } catch (SwitchboardException e) {
            return "error:" + e.getMessage();
        }
    }

    private static void same(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(streamed(bytes)).as(body).isEqualTo(viaTree(bytes));
    }

    @Test
    void theContextItselfAndItsAbsence() {
        same("{\"clientContext\":\"load-42\"}");
        assertThat(streamed("{\"clientContext\":\"load-42\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok:load-42");
        same("{}");
        same("{\"clientContext\":null}");
        same("{\"clientContext\":\"\"}");
        same("{\"clientContext\":\"\\u00e9 \\\" \\\\ \\n ✓ 😀\"}");
        same("{\"other\":{\"deep\":[1,2,{\"clientContext\":\"not this\"}]},\"clientContext\":\"this\"}");
        same("{\"clientContext\":\"first\",\"clientContext\":\"last\"}");
        same(" \n{ \"clientContext\" : \"spaced\" } \n");
    }

    @Test
    void aContextThatIsNotAString() {
        same("{\"clientContext\":42}");
        same("{\"clientContext\":true}");
        same("{\"clientContext\":{\"a\":1}}");
        same("{\"clientContext\":[\"a\"]}");
        same("{\"clientContext\":1,\"clientContext\":\"fixed by the last\"}");
        same("{\"clientContext\":1, \"x\": }"); // the syntax error wins over the type error, as in the tree
    }

    @Test
    void malformedBodiesFailWithTheTreesMessages() {
        same("[1,2]");
        same("\"text\"");
        same("42");
        same("null");
        same("[1,,]");
        same("xyz");
        same("{\"clientContext\":\"x\"} xyz");
        same("{\"clientContext\":\"x\"");
        same("{\"clientContext\":\"x\"} {}");
        same("{\"clientContext\":\"x\"} trailing");
        same("{\"clientContext\":\"x\",}");
        same("{clientContext:\"x\"}");
        same("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}");
        same("{\"a\":" + "1".repeat(200) + "}");
    }
}
