package dev.switchboard.api;

import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.Softphone;
import dev.switchboard.tools.ToneSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Java example is this package's {@code FirstCall}, word for word, and it works against a real server. */
class ReadmeFirstCallTest {

    @Test
    void theReadmeShowsFirstCallWordForWord() throws Exception {
        Matcher m = Pattern.compile("(?s)<!-- FirstCall\\.java -->\\s*```java\\n(.*?)```").matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("README.md has the FirstCall.java block").isTrue();
        String inReadme = m.group(1).strip();
        String source = Files.readString(Path.of("src/test/java/dev/switchboard/api/FirstCall.java"))
                .replaceFirst("package dev\\.switchboard\\.api;\\s*", "").strip();
        assertThat(inReadme).isEqualTo(source);
    }

    @Test
    void theFirstCallCreatesAGroupCallAndMutesAliceOnceSheJoined() throws Exception {
        // the bot outlives the server: the live call's last notifications arrive at once (not retried for the 10 s drain)
        try (CallbackReceiver bot = new CallbackReceiver(); TestServer server = TestServer.start()) {
            GraphServiceClient graph = FirstCall.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
            Call call = FirstCall.createCall(graph, bot.url(), DevIdentities.ALICE_ID, DevIdentities.BOB_ID);
            assertThat(call.getState()).isEqualTo(CallState.Establishing);
            ClientApi alice = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            try (Softphone phone = new Softphone("127.0.0.1", AudioCodec.PCMU, new ToneSource(660, AudioCodec.MIX_RATE))) {
                ClientApi.Joined joined = alice.join(call.getId(), phone.sdpOffer());
                MuteParticipantOperation op = FirstCall.mute(graph, call.getId(), joined.participantId());
                assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
                assertThat(op.getClientContext()).isEqualTo("first-mute");
            }
            Call p2p = FirstCall.createCall(FirstCall.client(server.baseUrl(), Tokens.p2pBotToken(server.baseUrl())), bot.url(),
                    DevIdentities.ALICE_ID);
            assertThat(p2p.getId()).isNotBlank();
        }
    }
}
