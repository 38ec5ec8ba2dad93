package dev.switchboard.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.graph.GraphEcho;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/** Create-call requests for engine tests. */
final class Calls {
    static final String TENANT = "tenant-a";
    static final String OTHER_TENANT = "tenant-b";
    static final Caller BOT = Caller.app(TENANT, "bot-app");
    static final Caller OTHER_BOT = Caller.app(TENANT, "other-app");
    static final Caller FOREIGN_BOT = Caller.app(OTHER_TENANT, "bot-app");
    static final Caller ALICE = Caller.user(TENANT, "client-app", "alice", "Alice");
    static final Caller BOB = Caller.user(TENANT, "client-app", "bob", "Bob");
    static final Caller CAROL = Caller.user(TENANT, "client-app", "carol", "Carol");
    static final Caller MALLORY = Caller.user(OTHER_TENANT, "client-app", "alice", "Alice elsewhere");
    /** Where test offers come from (the HTTP remote address a real request would carry). */
    static final java.net.InetAddress FROM = java.net.InetAddress.getLoopbackAddress();
    static final String OFFER = "v=0\r\nm=audio 4000 RTP/AVP 0\r\n";

    private Calls() {
    }

    static CreateCallRequest group(String... userIds) {
        return request(null, false, false, null, userIds.length == 0 ? new String[] {"alice", "bob"} : userIds);
    }

    static CreateCallRequest p2p(String userId) {
        return request(null, false, false, null, userId);
    }

    static CreateCallRequest meeting(String joinMeetingId, String passcode) {
        return request(new MeetingCoordinates(MeetingCoordinates.JOIN_MEETING_ID, joinMeetingId, passcode), false, false, null);
    }

    static CreateCallRequest request(MeetingCoordinates meeting, boolean allowSelfUnmute, boolean deltaRoster,
                                     ParticipantIdentity source, String... userIds) {
        List<ParticipantIdentity> targets = Arrays.stream(userIds).map(u -> ParticipantIdentity.user(u, u, TENANT)).toList();
        ObjectNode media = JsonNodeFactory.instance.objectNode().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig");
        return new CreateCallRequest(URI.create("https://bot.example/callback"), List.of("audio"), false, null, targets,
                meeting, allowSelfUnmute, deltaRoster, "test",
                source != null ? source : ParticipantIdentity.application("bot-app", "Bot", TENANT), FROM,
                GraphEcho.of(media, null, null, null, null));
    }

    static CreateCallRequest appHosted(String offer, String... userIds) {
        CreateCallRequest r = group(userIds);
        return new CreateCallRequest(r.callbackUri(), r.requestedModalities(), true, offer, r.targets(), null, false, false,
                null, r.sourceIdentity(), FROM, r.echo());
    }

    static CreateCallRequest withSource(CreateCallRequest r, ParticipantIdentity source) {
        return new CreateCallRequest(r.callbackUri(), r.requestedModalities(), r.appHostedMedia(), r.mediaOffer(),
                r.targets(), r.meeting(), r.allowSelfUnmute(), r.deltaRoster(), null, source, r.mediaOfferFrom(), r.echo());
    }
}
