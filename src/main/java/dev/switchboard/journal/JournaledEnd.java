package dev.switchboard.journal;

import java.util.Objects;

/**
 * Why a journaled call ended, as its bot is to hear it ({@code resultInfo}): kept while the bot has not yet heard
 * the call's {@code terminated}, so that a restart after a crash announces this reason rather than "lost".
 *
 * @param code    the {@code resultInfo.code}
 * @param subcode the {@code resultInfo.subcode}
 * @param message the {@code resultInfo.message}
 */
public record JournaledEnd(int code, int subcode, String message) {
    public JournaledEnd {
        Objects.requireNonNull(message, "message");
    }
}
