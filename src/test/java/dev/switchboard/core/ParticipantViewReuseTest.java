package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParticipantViewReuseTest {

    @Test
    void anUnchangedEntryGivesTheSameViewAndEveryChangeANewOneShowingIt() {
        Participant p = new Participant("p-1", ParticipantIdentity.user("u", "U", "t"), "7", null, null);
        ParticipantView first = p.view();
        assertThat(p.view()).isSameAs(first);
        p.serverMuted = true;
        ParticipantView muted = p.view();
        assertThat(muted).isNotSameAs(first);
        assertThat(muted.serverMuted()).isTrue();
        assertThat(first.serverMuted()).as("a view already taken never changes").isFalse();
        p.rosterSequenceNumber = 5;
        assertThat(p.view().rosterSequenceNumber()).isEqualTo(5);
        p.clientMuted = true;
        assertThat(p.view().clientMuted()).isTrue();
        p.recordingStatus = RecordingStatus.values()[0];
        assertThat(p.view().recordingStatus()).isEqualTo(RecordingStatus.values()[0]);
        p.onHold = true;
        ParticipantView held = p.view();
        assertThat(held.onHold()).isTrue();
        assertThat(p.view()).isSameAs(held);
        assertThat(held).isEqualTo(new ParticipantView("p-1", ParticipantIdentity.user("u", "U", "t"), true, true, false, "7",
                5, false, RecordingStatus.values()[0], true));
    }
}
