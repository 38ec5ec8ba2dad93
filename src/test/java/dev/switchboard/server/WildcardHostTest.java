package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** A server bound to every interface names a reachable address in its URL and its tokens, never 0.0.0.0. */
class WildcardHostTest {

    @Test
    void aWildcardHostDerivesItsUrlFromTheMediaAddress() throws Exception {
        try (TestServer server = TestServer.start(cfg -> cfg.withHost("0.0.0.0").withMediaAddress("127.0.0.1"))) {
            String base = server.server().baseUrl();
            assertThat(base).isEqualTo("http://127.0.0.1:" + server.server().port());
            String token = Tokens.devBotToken(base);
            String iss = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("iss").asText();
            assertThat(iss).isEqualTo(base + "/" + DevIdentities.TENANT_ID + "/v2.0").doesNotContain("0.0.0.0");
        }
    }
}
