package dev.switchboard.server;

import dev.switchboard.testsupport.Cli;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard train}, the AOT cache's training run: a real in-process server, real RTP legs, real webhooks. */
class TrainCommandTest {

    @Test
    void theWorkloadRunsEveryStepAgainstAnInProcessServer() {
        Cli.Result r = Cli.run(Main::commandLine, "train", "--rooms", "1", "--big-room", "6", "--big-opus-room", "4",
                "--mutes", "8", "--seconds", "1");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        // the big rooms' legs are trainees the command adds to the development directory; the 8 mutes go round all 4
        // calls, so the big rooms' rosters (and a trainee's server mute in the Opus room) are trained too
        assertThat(r.out()).contains("training: 2 rooms of 3 talking legs (1 PCMU, 1 Opus), big rooms of 6 PCMU and 4 Opus legs")
                .contains("training: 8 mute/unmute pairs in");
        String webhooks = r.out().replaceAll("(?s).*pairs in [0-9.]+ s, (\\d+) webhooks received.*", "$1");
        assertThat(Integer.parseInt(webhooks)).as("the bot's webhooks (roster notifications of the mutes)").isGreaterThan(8);
    }

    @Test
    void aBadCountIsUsageError() {
        Cli.Result r = Cli.run(Main::commandLine, "train", "--mutes", "many");
        assertThat(r.code()).isEqualTo(2);
    }
}
