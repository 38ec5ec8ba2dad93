package dev.switchboard.core;

import java.util.List;

/**
 * Running invitations: they complete when every invitee is in the call and fail when they time out. Called with
 * the conference lock held.
 *
 * <p>Threads and locks: docs/concurrency.md.
 */
final class Invitations {
    private final CallEvents events;
    private final int retention;

    Invitations(CallEvents events, int retention) {
        this.events = events;
        this.retention = retention;
    }

    /** Completes the invitations of {@code c}'s bots whose invitees are all present now. */
    void completeReady(Conference c) {
        for (Call bot : c.botCalls) {
            for (Operation op : List.copyOf(bot.runningOperations.values())) {
                if (op.kind() == OperationKind.INVITE && allPresent(c, op)) {
                    finish(bot, op.finish(OperationStatus.COMPLETED, ResultInfo.SUCCESS));
                }
            }
        }
    }

    /** Stores the finished operation and tells the bot. */
    void finish(Call call, Operation finished) {
        call.remember(finished, retention);
        events.operationFinished(call, finished);
    }

    static boolean allPresent(Conference c, Operation invite) {
        for (ParticipantIdentity who : invite.invitees()) {
            if (c.userParticipant(who.id()) == null) {
                return false;
            }
        }
        return true;
    }
}
