package dev.switchboard.client;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.ParticipantView;
import dev.switchboard.core.RosterUpdate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RosterStreamsTest {
    private static final ParticipantView ALICE = new ParticipantView("p-alice",
            ParticipantIdentity.user("alice", "Alice", "t"), false, true, false, "1", 2, false);

    private static CallEvent.RosterChanged change(long seq, boolean ended, String... callIds) {
        return new CallEvent.RosterChanged(new RosterUpdate(List.of(callIds), "chain", seq,
                ended ? List.of() : List.of(ALICE), List.of(ALICE), ended), List.of());
    }

    @Test
    void aStreamHearsTheChangesOfTheCallItAddressedByAnyOfItsIdsUntilItStopsFollowing() {
        RosterStreams streams = new RosterStreams();
        RosterFeedTest.FakeChannel channel = new RosterFeedTest.FakeChannel(true);
        RosterStreams.Follower f = new RosterStreams.Follower("call-2", new RosterFeed(channel, 8));
        streams.follow(f);
        streams.publish(change(1, false, "call-1"));
        streams.publish(change(2, false, "call-1", "call-2"));
        assertThat(channel.sent).singleElement().satisfies(m -> assertThat(m)
                .contains("\"callId\":\"call-2\"", "\"rosterSequenceNumber\":2", "\"serverMuted\":true"));
        streams.unfollow(f);
        streams.publish(change(3, false, "call-2"));
        assertThat(channel.sent).hasSize(1);
    }

    @Test
    void theCallsEndIsSentAndThenTheStreamCloses() {
        RosterStreams streams = new RosterStreams();
        RosterFeedTest.FakeChannel channel = new RosterFeedTest.FakeChannel(true);
        streams.follow(new RosterStreams.Follower("call-1", new RosterFeed(channel, 8)));
        streams.publish(change(4, true, "call-1"));
        assertThat(channel.sent).singleElement().satisfies(m -> assertThat(m).contains("\"type\":\"ended\""));
        assertThat(channel.closeCode).isEqualTo(RosterFeed.NORMAL_CLOSE_CODE);
    }
}
