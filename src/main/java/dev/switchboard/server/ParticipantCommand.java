package dev.switchboard.server;

import dev.switchboard.media.codec.AudioCodec;
import dev.switchboard.tools.AudioSource;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.TerminalParticipant;
import dev.switchboard.tools.ServerHttp;
import dev.switchboard.tools.TokenClient;
import dev.switchboard.tools.ToneSource;
import dev.switchboard.tools.ToolException;
import dev.switchboard.tools.WavFiles;
import dev.switchboard.tools.WavSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code switchboard participant}: a real participant you can run in a terminal. */
@Command(name = "participant", mixinStandardHelpOptions = true,
        description = {"Join a call as a user: stream a tone or a WAV file, record what you hear, watch the live roster.",
                "Example:  switchboard participant --call <callId> --user alice --tone 660 --record heard.wav",
                "Call a bot:  switchboard participant --dial dev-bot --user alice --tone 660",
                "Be called:   switchboard participant --answer --user bob --record heard.wav",
                "A user of a configured tenant: --user dana@contoso.test --password P --tenant T --client-id APP --secret S"})
final class ParticipantCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    static final class Target {
        @Option(names = "--call", required = true, description = "The call id (from POST /communications/calls).")
        String callId;

        @Option(names = "--dial", required = true, paramLabel = "appId|dev-bot",
                description = "Call a bot that has a calling webhook (docs/inbound-calls.md).")
        String dial;

        @Option(names = "--answer", required = true,
                description = "Wait on your ring stream for a call that rings you, and join it.")
        boolean answer;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--user", required = true, description = "alice | bob | carol, or a user name of a configured tenant.")
    String user;

    @Mixin
    SignInOptions signIn;

    @Mixin
    ServerUrlOption server;

    static final class Sound {
        @Option(names = "--tone", description = "Send a sine tone of this frequency in Hz (e.g. 440).")
        Double toneHz;

        @Option(names = "--wav", description = "Send this WAV file once (any rate; mono or the first channel).")
        Path wav;
    }

    @ArgGroup(exclusive = true)
    Sound sound;

    @Option(names = "--record", description = "Write what you hear to this WAV file when you leave.")
    Path record;

    @Mixin
    CodecOption codec;

    @Option(names = "--duration", description = "How long to stay, e.g. 30s, 2m, 500ms (default: until Ctrl-C).")
    String duration;

    @Option(names = "--dtmf", description = "Send these DTMF keys as RFC 4733 telephone-events, e.g. \"1234#\" (0-9 * # A-D).")
    String dtmf;

    @Option(names = "--dtmf-at", description = "When to send --dtmf, counted from joining, e.g. 2s (default: 1s).")
    String dtmfAt;

    @Option(names = "--keypad", description = "Send the DTMF keys of every line typed on standard input.")
    boolean keypad;

    @Override
    public Integer call() throws Exception {
        AudioCodec audio = codec.codec();
        Duration stay = duration == null ? null : parseDuration(duration);
        AudioSource source = source();
        if (record != null && record.toAbsolutePath().getParent() != null && !Files.isDirectory(record.toAbsolutePath().getParent())) {
            throw new ToolException(ToolException.LOCAL, "cannot record to " + record + ": no such directory");
        }
        CliValues.Login login = signIn.login(user);
        CliValues.App via = signIn.client();
        ServerHttp http = new ServerHttp(server.url);
        String token = new TokenClient(http).userToken(via.tenantId(), via.appId(), via.secret(), login.username(),
                login.password());
        CountDownLatch stop = new CountDownLatch(1);
        TerminationSignals.onTermination(stop::countDown);
        String dial = target.dial == null ? null
                : target.dial.equalsIgnoreCase("dev-bot") ? dev.switchboard.auth.DevIdentities.DEV_BOT_APP_ID : target.dial;
        if (dtmf != null) {
            try {
                dev.switchboard.tools.Softphone.parseKeys(dtmf);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ToolException.USAGE, "--dtmf: " + e.getMessage());
            }
        }
        Duration sendAt = dtmfAt == null ? Duration.ofSeconds(1) : parseDuration(dtmfAt);
        new TerminalParticipant(new TerminalParticipant.Options(target.callId, new ClientApi(http, token), audio, source,
                record, stay, dial, target.answer, dtmf, sendAt, keypad), System.out)
                .run(stop, http.client());
        return 0;
    }

    private AudioSource source() {
        if (sound == null) {
            return null;
        }
        if (sound.wav != null) {
            try {
                return new WavSource(sound.wav, AudioCodec.MIX_RATE);
            } catch (IOException e) {
                throw new ToolException(ToolException.LOCAL, "cannot read " + sound.wav + ": " + WavFiles.why(e));
            }
        }
        try {
            return new ToneSource(sound.toneHz, AudioCodec.MIX_RATE);
        } catch (IllegalArgumentException e) {
            throw new ToolException(ToolException.USAGE, "--tone: " + e.getMessage());
        }
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ToolException(ToolException.USAGE, "--duration must look like 30s, 2m or 500ms, not '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis = (long) (value * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        });
        return Duration.ofMillis(millis);
    }
}
