package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's callback exemptions replace the default (loopback): without them a local http bot is refused. */
class CallbackAllowTest {

    @Test
    void configuredExemptionsReplaceTheLoopbackDefault() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withCallbackAllow(List.of("10.1.2.0/24")))) {
            HttpResponse<String> r = GracefulShutdownTest.createCall(server.baseUrl(), Tokens.devBotToken(server.baseUrl()),
                    "http://127.0.0.1:9/callback");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(new ObjectMapper().readTree(r.body()).at("/error/message").asText()).containsIgnoringCase("callbackUri");
        }
    }
}
