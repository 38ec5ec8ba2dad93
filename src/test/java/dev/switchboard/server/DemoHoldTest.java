package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.Demo;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code demo --hold}: the demo prints a join link and keeps the call up until the person is done; the link serves
 * the join page and a person (carol) can join the held call through the client API, then the demo finishes and passes.
 */
class DemoHoldTest {

    @Test
    void theHeldCallCanBeJoinedThroughItsLink() throws Exception {
        List<String> joined = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start(cfg -> cfg.withMedia(cfg.media().withWebRtcPort(0)));
             RtpPeer carol = new RtpPeer("127.0.0.1")) {
            Demo demo = new Demo(server.baseUrl(), AudioCodec.PCMU, new PrintStream(out, true, StandardCharsets.UTF_8))
                    .holdAfterwards(link -> {
                        try {
                            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            assertThat(page.statusCode()).isEqualTo(200);
                            String callId = link.substring(link.lastIndexOf('/') + 1);
                            ClientApi api = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.carolToken(server.baseUrl()));
                            ClientApi.Joined j = api.join(callId, carol.offer("sendrecv"));
                            JsonNode view = api.setMuted(j, true);
                            joined.add(view.get("id").asText());
                            api.leave(j);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
            assertThat(demo.run()).isEmpty();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(joined).hasSize(1);
        assertThat(printed).containsPattern("a person can join in a browser while the demo runs: http://127\\.0\\.0\\.1:\\d+/join/[0-9a-f-]+ ")
                .contains("Holding the call for a person to join").contains("Demo passed");
    }

    @Test
    void demoHoldWaitsForEnter() {
        InputStream oldIn = System.in;
        PrintStream oldErr = System.err;
        System.setIn(new ByteArrayInputStream("\n".getBytes(StandardCharsets.UTF_8)));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            var r = DemoCommandTest.run("demo", "--hold");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("Holding the call for a person to join: http://127.0.0.1:")
                    .contains("press Enter to end the call").contains("Demo passed");
        } finally {
            System.setIn(oldIn);
            System.setErr(oldErr);
        }
    }
}
