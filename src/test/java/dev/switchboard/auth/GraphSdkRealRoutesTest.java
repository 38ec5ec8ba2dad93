package dev.switchboard.auth;

import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import dev.switchboard.testsupport.AuthorityTokenProvider;
import dev.switchboard.testsupport.RecordingMediaEngine;
import dev.switchboard.testsupport.RecordingNotificationSink;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.auth.DevIdentities.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The official Graph SDK, with its bearer-token plumbing fed by the embedded authority (client credentials), against
 * the server's real Graph calls routes: the verifier and the permission rules decide what gets through.
 */
class GraphSdkRealRoutesTest {
    static final RecordingMediaEngine media = new RecordingMediaEngine();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(media, new RecordingNotificationSink(media));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static GraphServiceClient graph(AccessTokenProvider tokens) {
        GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens));
        graph.getRequestAdapter().setBaseUrl(server.baseUrl() + "/v1.0");
        return graph;
    }

    static GraphServiceClient bot(String appId, String secret) {
        return graph(new AuthorityTokenProvider(server.baseUrl(), TENANT_ID, appId, secret, "127.0.0.1", "localhost"));
    }

    static Call call(String... userIds) {
        Call call = new Call();
        call.setCallbackUri("http://127.0.0.1:9/callback"); // loopback: the callback SSRF policy refuses unresolvable hosts
        call.setRequestedModalities(List.of(Modality.Audio));
        call.setMediaConfig(new ServiceHostedMediaConfig());
        List<InvitationParticipantInfo> targets = new ArrayList<>();
        for (String id : userIds) {
            Identity user = new Identity();
            user.setId(id);
            IdentitySet set = new IdentitySet();
            set.setUser(user);
            InvitationParticipantInfo t = new InvitationParticipantInfo();
            t.setIdentity(set);
            targets.add(t);
        }
        call.setTargets(targets);
        return call;
    }

    @Test
    void botWithATokenFromTheAuthorityCreatesAndReadsACall() {
        GraphServiceClient bot = bot(DEV_BOT_APP_ID, DEV_BOT_SECRET);
        Call created = bot.communications().calls().post(call(ALICE_ID));
        assertThat(created.getId()).isNotBlank();
        assertThat(created.getSource().getIdentity().getApplication().getId()).isEqualTo(DEV_BOT_APP_ID);
        assertThat(bot.communications().calls().byCallId(created.getId()).get().getId()).isEqualTo(created.getId());
        bot.communications().calls().byCallId(created.getId()).delete();
    }

    @Test
    void p2pBotMayNotStartAGroupCall() {
        ODataError e = catchThrowableOfType(ODataError.class,
                () -> bot(P2P_BOT_APP_ID, P2P_BOT_SECRET).communications().calls().post(call(ALICE_ID, BOB_ID)));
        assertThat(e.getResponseStatusCode()).isEqualTo(403);
        assertThat(e.getError().getMessage()).contains(CallsPermission.INITIATE_GROUP_CALL);
    }

    @Test
    void anotherTenantsBotCannotSeeTheCall() {
        Call created = bot(DEV_BOT_APP_ID, DEV_BOT_SECRET).communications().calls().post(call(ALICE_ID));
        GraphServiceClient other = graph(new AuthorityTokenProvider(server.baseUrl(), OTHER_TENANT_ID, OTHER_TENANT_BOT_APP_ID,
                OTHER_TENANT_BOT_SECRET, "127.0.0.1", "localhost"));
        ODataError e = catchThrowableOfType(ODataError.class, () -> other.communications().calls().byCallId(created.getId()).get());
        assertThat(e.getResponseStatusCode()).isEqualTo(404);
    }

    @Test
    void badTokensAreRefusedByTheRealRoutes() {
        String good = Tokens.devBotToken(server.baseUrl());
        String tampered = JwtForge.withPayload(good, JwtForge.payloadJson(good).replace(TENANT_ID, OTHER_TENANT_ID));
        for (String token : List.of("garbage", tampered)) {
            ODataError e = catchThrowableOfType(ODataError.class,
                    () -> graph(new GraphSdkAuthTest.StaticToken(token)).communications().calls().post(call(ALICE_ID)));
            assertThat(e.getResponseStatusCode()).isEqualTo(401);
            assertThat(e.getError().getCode()).isEqualTo("InvalidAuthenticationToken");
        }
        ODataError user = catchThrowableOfType(ODataError.class,
                () -> graph(new GraphSdkAuthTest.StaticToken(Tokens.aliceToken(server.baseUrl()))).communications().calls().post(call(BOB_ID)));
        assertThat(user.getResponseStatusCode()).isEqualTo(403);
        assertThat(user.getError().getMessage()).contains("Delegated permissions are not supported");
    }
}
