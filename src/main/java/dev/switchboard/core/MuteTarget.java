package dev.switchboard.core;

/** Whom a server mute is for: the bot of the call itself ({@code call: mute}) or one participant. */
public sealed interface MuteTarget {

    /** The bot's own participant. */
    MuteTarget BOT_ITSELF = new BotItself();

    static MuteTarget participant(String participantId) {
        return new ById(participantId);
    }

    record BotItself() implements MuteTarget {
    }

    /** @param participantId may be blank or unknown: the engine answers 400/404 */
    record ById(String participantId) implements MuteTarget {
    }
}
