package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.participants.invite.InvitePostRequestBody;
import com.microsoft.graph.models.AudioRoutingGroup;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.RoutingMode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.DropReason;
import dev.switchboard.media.MediaStats;
import dev.switchboard.media.RtpLeg;
import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.RtpRoom;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.ToneWindows;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.CallbackReceiver;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Audio routing groups end to end: the official SDK invites carol out of the default group and whispers her to alice;
 * alice, bob and carol are plain-RTP peers through the participants' client API, and what each really receives is
 * judged by Goertzel per packet (present ≥ −30 dBFS, absent ≤ −45 dBFS). Alice talks at 400 Hz, bob at 600, carol at
 * 1,000. A server mute outlives the participant's leaving and joining again.
 */
class AudioRoutingEndToEndTest {
    static final double ALICE_HZ = 400;
    static final double BOB_HZ = 600;
    static final double CAROL_HZ = 1000;
    static TestServer server;
    /** The participants joined with a tone, whose concealed frames count as underruns. */
    static final List<String> JOINED = new java.util.concurrent.CopyOnWriteArrayList<>();
    static CallbackReceiver callbacks;
    static GraphServiceClient bot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        callbacks = new CallbackReceiver();
        bot = GraphSdk.client(server.baseUrl(), Tokens.devBotToken(server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        server.close();
        callbacks.close();
    }

    @Test
    void aParticipantInvitedOutOfTheDefaultGroupIsHeardOnlyWhereABotRoutesHer() throws Exception {
        try (RtpPeer alice = new RtpPeer("127.0.0.1"); RtpPeer bob = new RtpPeer("127.0.0.1");
             RtpPeer carol = new RtpPeer("127.0.0.1")) {
            Call call = bot.communications().calls().post(GraphSdk.call(callbacks.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID));
            inviteOutOfTheDefaultGroup(call, DevIdentities.CAROL_ID);
            String aliceId = join(call, Tokens.aliceToken(server.baseUrl()), alice, ALICE_HZ);
            join(call, Tokens.bobToken(server.baseUrl()), bob, BOB_HZ);
            String carolId = join(call, Tokens.carolToken(server.baseUrl()), carol, CAROL_HZ);

            awaitHearing(bob, ALICE_HZ);
            expectPackets(call, bob, new double[] {ALICE_HZ}, new double[] {CAROL_HZ});
            expectPackets(call, alice, new double[] {BOB_HZ}, new double[] {CAROL_HZ});
            expectPackets(call, carol, new double[] {}, new double[] {ALICE_HZ, BOB_HZ});

            AudioRoutingGroup whisper = new AudioRoutingGroup();
            whisper.setId("whisper");
            whisper.setRoutingMode(RoutingMode.OneToOne);
            whisper.setSources(List.of(carolId));
            whisper.setReceivers(List.of(aliceId));
            bot.communications().calls().byCallId(call.getId()).audioRoutingGroups().post(whisper);
            awaitHearing(alice, CAROL_HZ);
            expectPackets(call, alice, new double[] {BOB_HZ, CAROL_HZ}, new double[] {ALICE_HZ});
            expectPackets(call, bob, new double[] {ALICE_HZ}, new double[] {CAROL_HZ});

            bot.communications().calls().byCallId(call.getId()).audioRoutingGroups().byAudioRoutingGroupId("whisper").delete();
            assertThat(ClusterFixture.awaitTone(alice, CAROL_HZ, false, Duration.ofSeconds(10))).isTrue(); // from the next tick
            expectPackets(call, alice, new double[] {BOB_HZ}, new double[] {CAROL_HZ});
            bot.communications().calls().byCallId(call.getId()).delete();
        }
    }

    /** A server mute is the bot's to lift: leaving and joining again (a reload of the join page) does not. */
    @Test
    void aServerMutedUserWhoLeavesAndJoinsAgainIsStillMutedUntilTheBotUnmutesThem() throws Exception {
        try (RtpPeer alice = new RtpPeer("127.0.0.1"); RtpPeer aliceAgain = new RtpPeer("127.0.0.1");
             RtpPeer bob = new RtpPeer("127.0.0.1")) {
            Call call = bot.communications().calls().post(GraphSdk.call(callbacks.url(), DevIdentities.ALICE_ID,
                    DevIdentities.BOB_ID));
            var participants = bot.communications().calls().byCallId(call.getId()).participants();
            ClientApi aliceApi = new ClientApi(new ServerHttp(server.baseUrl()), Tokens.aliceToken(server.baseUrl()));
            ClientApi.Joined first = join(aliceApi, call, alice, ALICE_HZ);
            join(call, Tokens.bobToken(server.baseUrl()), bob, BOB_HZ);
            awaitHearing(bob, ALICE_HZ);
            participants.byParticipantId(first.participantId()).mute().post(new MutePostRequestBody());
            assertThat(ClusterFixture.awaitTone(bob, ALICE_HZ, false, Duration.ofSeconds(10))).isTrue();

            alice.stopTone();
            aliceApi.leave(first);
            ClientApi.Joined again = join(aliceApi, call, aliceAgain, ALICE_HZ);
            assertThat(again.participantId()).as("a new participant").isNotEqualTo(first.participantId());
            Participant read = participants.byParticipantId(again.participantId()).get();
            assertThat(read.getIsMuted()).isTrue();
            assertThat(read.getMediaStreams()).anySatisfy(m -> assertThat(m.getServerMuted()).isTrue());
            RtpLeg leg = ((RtpMediaEngine) server.server().media()).room(call.getId()).leg(again.participantId());
            await().atMost(Duration.ofSeconds(10)).until(() -> leg.stats().packetsIn() > 50); // her tone reaches the server
            expectPackets(call, bob, new double[] {}, new double[] {ALICE_HZ});

            assertThat(new GraphHttp(server.baseUrl()).post("/v1.0/communications/calls/" + call.getId() + "/participants/"
                    + again.participantId() + "/unmute", Tokens.devBotToken(server.baseUrl()), "{}").statusCode())
                    .isEqualTo(200); // the Switchboard extension (Graph v1.0 has no participant unmute)
            awaitHearing(bob, ALICE_HZ);
            bot.communications().calls().byCallId(call.getId()).delete();
        }
    }

    static void inviteOutOfTheDefaultGroup(Call call, String userId) {
        InvitationParticipantInfo who = new InvitationParticipantInfo();
        IdentitySet ids = new IdentitySet();
        Identity user = new Identity();
        user.setId(userId);
        ids.setUser(user);
        who.setIdentity(ids);
        who.setAdditionalData(Map.of("removeFromDefaultAudioRoutingGroup", true));
        InvitePostRequestBody invite = new InvitePostRequestBody();
        invite.setParticipants(List.of(who));
        bot.communications().calls().byCallId(call.getId()).participants().invite().post(invite);
    }

    /** Joins through the client API, latches the leg and starts the peer's tone; the participant id. */
    static String join(Call call, String userToken, RtpPeer peer, double hz) throws Exception {
        return join(new ClientApi(new ServerHttp(server.baseUrl()), userToken), call, peer, hz).participantId();
    }

    /** {@link #join(Call, String, RtpPeer, double)} as {@code client}; the leg (to leave it). */
    static ClientApi.Joined join(ClientApi client, Call call, RtpPeer peer, double hz) throws Exception {
        ClientApi.Joined joined = client.join(call.getId(), peer.offer("sendrecv"));
        int port = MuteEndToEndTest.audioPort(joined.sdpAnswer());
        peer.sendReceiverReport(port);
        peer.startTone(port, hz, 6000);
        JOINED.add(joined.participantId());
        return joined;
    }

    static void awaitHearing(RtpPeer ear, double hz) {
        assertThat(ClusterFixture.awaitTone(ear, hz, true, Duration.ofSeconds(10))).as("%s Hz heard", hz).isTrue();
    }

    /** The next 25 packets, each checked for the tones it must and must not carry ({@link ToneWindows}). */
    static void expectPackets(Call call, RtpPeer ear, double[] present, double[] absent) {
        ToneWindows.expect(ear, 25, present, absent, () -> underruns(call));
    }

    /** Everything that makes a talker's stream underrun on a starved machine, summed; it only grows. */
    private static long underruns(Call call) {
        RtpMediaEngine engine = (RtpMediaEngine) server.server().media();
        MediaStats stats = engine.stats();
        long sum = RtpPeer.lateSends() + stats.dropped(DropReason.LATE) + stats.lateTicks();
        RtpRoom room = engine.room(call.getId());
        if (room != null) {
            for (String pid : JOINED) {
                RtpLeg leg = room.leg(pid);
                if (leg != null) {
                    sum += leg.stats().framesConcealed();
                }
            }
        }
        return sum;
    }
}
