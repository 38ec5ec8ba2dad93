package dev.switchboard.auth;

import com.microsoft.graph.communications.calls.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import dev.switchboard.testsupport.AuthorityTokenProvider;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.switchboard.auth.DevIdentities.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The official Graph Java SDK as a bot uses it: its bearer-token plumbing gets the token from the embedded authority
 * and sends it with a calls request; a probe route authenticates it with the server's verifier (the real Graph calls
 * routes are another part's). Proves tokens, the verifier and the Graph error mapping work end to end.
 */
class GraphSdkAuthTest {
    static TestServer server;
    static ProbeApi probe;
    static AtomicReference<Principal> seen;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        probe = new ProbeApi(server.server().authenticator());
        seen = probe.seen;
    }

    @AfterAll
    static void stop() {
        probe.close();
        server.close();
    }

    @BeforeEach
    void clear() {
        seen.set(null);
    }

    static GraphServiceClient graph(AccessTokenProvider tokens) {
        GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens));
        graph.getRequestAdapter().setBaseUrl("http://localhost:" + probe.http.port() + "/v1.0");
        return graph;
    }

    static MutePostRequestBody body() {
        MutePostRequestBody b = new MutePostRequestBody();
        b.setClientContext("ctx");
        return b;
    }

    record StaticToken(String token) implements AccessTokenProvider {
        @Override
        public String getAuthorizationToken(URI uri, Map<String, Object> ctx) {
            return token;
        }

        @Override
        public AllowedHostsValidator getAllowedHostsValidator() {
            return new AllowedHostsValidator("localhost", "127.0.0.1");
        }
    }

    @Test
    void sdkWithATokenFromTheAuthorityIsAuthenticatedAsTheBot() {
        AuthorityTokenProvider tokens = new AuthorityTokenProvider(server.baseUrl(), TENANT_ID, DEV_BOT_APP_ID, DEV_BOT_SECRET, "localhost");
        GraphServiceClient graph = graph(tokens);
        MuteParticipantOperation op = graph.communications().calls().byCallId("call-1").mute().post(body());
        assertThat(op.getClientContext()).isEqualTo(DEV_BOT_APP_ID);
        Principal p = seen.get();
        assertThat(p.appOnly()).isTrue();
        assertThat(p.tenantId()).isEqualTo(TENANT_ID);
        assertThat(p.hasRole(CallsPermission.ACCESS_MEDIA)).isTrue();
        graph.communications().calls().byCallId("call-1").mute().post(body());
        assertThat(tokens.fetches()).isEqualTo(1);
    }

    @Test
    void sdkWithAGarbageTokenGetsODataError401() {
        ODataError e = catchThrowableOfType(ODataError.class,
                () -> graph(new StaticToken("not-a-jwt")).communications().calls().byCallId("call-1").mute().post(body()));
        assertThat(e.getResponseStatusCode()).isEqualTo(401);
        assertThat(e.getError().getCode()).isEqualTo("InvalidAuthenticationToken");
        assertThat(e.getError().getMessage()).contains("malformed");
        assertThat(e.getResponseHeaders().get("WWW-Authenticate").iterator().next()).startsWith("Bearer error=\"invalid_token\"");
        assertThat(seen.get()).isNull();
    }

    @Test
    void sdkWithATamperedTokenGetsODataError401() {
        String token = Tokens.p2pBotToken(server.baseUrl());
        String tampered = JwtForge.withPayload(token, JwtForge.payloadJson(token).replace("Calls.Initiate.All", "Calls.AccessMedia.All"));
        ODataError e = catchThrowableOfType(ODataError.class,
                () -> graph(new StaticToken(tampered)).communications().calls().byCallId("call-1").mute().post(body()));
        assertThat(e.getResponseStatusCode()).isEqualTo(401);
        assertThat(e.getError().getMessage()).contains("signature");
        assertThat(e.getError().getMessage()).doesNotContain(tampered);
    }

    @Test
    void sdkWithoutATokenGetsODataError401() {
        ODataError e = catchThrowableOfType(ODataError.class,
                () -> graph(new StaticToken("")).communications().calls().byCallId("call-1").mute().post(body()));
        assertThat(e.getResponseStatusCode()).isEqualTo(401);
        assertThat(e.getError().getCode()).isEqualTo("InvalidAuthenticationToken");
    }

    @Test
    void sdkWithAUserTokenGetsODataError403() {
        ODataError e = catchThrowableOfType(ODataError.class,
                () -> graph(new StaticToken(Tokens.aliceToken(server.baseUrl()))).communications().calls().byCallId("call-1").mute().post(body()));
        assertThat(e.getResponseStatusCode()).isEqualTo(403);
        assertThat(e.getError().getMessage()).contains("Delegated permissions are not supported");
    }
}
