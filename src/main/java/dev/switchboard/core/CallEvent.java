package dev.switchboard.core;

import java.net.URI;
import java.util.List;

/**
 * What the engine tells the world, in its own values: a bot's call changed state, a roster changed, an operation
 * finished. Published to a {@link CallEventSink} with the call's conference lock held, so the events of one call
 * arrive in the order they happened. Who renders them (Graph's {@code commsNotification}s, roster stream messages) or
 * delivers them is not core's business.
 */
public sealed interface CallEvent {

    /**
     * Where a bot hears about its call.
     *
     * @param callId      the bot's call
     * @param tenantId    the call's tenant
     * @param appId       the app that owns the call
     * @param callbackUri the call's callback URI
     * @param deltaRoster the bot asked for roster changes only ({@code callOptions.isDeltaRosterEnabled})
     */
    record BotAddress(String callId, String tenantId, String appId, URI callbackUri, boolean deltaRoster) {
    }

    /**
     * A bot's call went to {@code state}.
     *
     * @param resultInfo why it ended; set only when {@code state} is {@link CallState#TERMINATED}
     */
    record CallStateChanged(BotAddress bot, String callChainId, String myParticipantId, CallState state,
                            ResultInfo resultInfo) implements CallEvent {
    }

    /**
     * A roster changed (or the call ended: {@link RosterUpdate#ended()}).
     *
     * @param update the change, for everyone following the roster
     * @param bots   the live bots of a group call that are told about it (empty for a peer-to-peer call and for
     *               the update that ends a call)
     */
    record RosterChanged(RosterUpdate update, List<BotAddress> bots) implements CallEvent {
        public RosterChanged {
            bots = List.copyOf(bots);
        }
    }

    /**
     * A participant pressed a key and the bot subscribed to tones: Graph's call update with {@code toneInfo}.
     *
     * @param sequenceId strictly increasing per bot call, from 1
     */
    record ToneReceived(BotAddress bot, String callChainId, String myParticipantId, CallState state,
                        dev.switchboard.media.DtmfTone tone, long sequenceId) implements CallEvent {
    }

    /** An asynchronous operation of a bot's call finished (an invitation completed or timed out). */
    record OperationFinished(BotAddress bot, Operation operation) implements CallEvent {
    }

    /**
     * A user dialed a bot: the call rings at the bot's calling webhook ({@code state: incoming}); rendered as Graph's
     * incoming-call notification ({@code changeType: created}, the whole call with {@code source}, {@code targets},
     * {@code incomingContext}). See docs/inbound-calls.md.
     */
    record IncomingCall(BotAddress bot, CallView call) implements CallEvent {
    }

    /**
     * A user is rung for a call (a bot called them, invited them, redirected or transferred a call to them): the
     * client API's ring stream tells them; they answer by joining the call with an SDP offer.
     *
     * @param from     who is calling (the bot, or the caller of a redirected or transferred call)
     * @param deadline when the ring stops unanswered
     */
    record Ringing(String tenantId, String userId, String callId, String callChainId, ParticipantIdentity from,
                   java.time.Instant deadline) implements CallEvent {
    }

    /**
     * A user's participant moved from one call into another, the first one replaced (a consultative transfer, an
     * invitation with {@code replacesCallId}): the same participant id and media leg, now in {@code callId}'s call. The
     * client API's ring stream and roster streams tell the user.
     */
    record ParticipantMoved(String tenantId, String userId, String participantId, String fromCallId, String callId,
                            String callChainId) implements CallEvent {
    }

    /**
     * A ring is over: the user answered (joined), or it was cancelled (the call ended, the ring timed out) or declined.
     *
     * @param reason why it was cancelled or declined; null when answered
     */
    record RingEnded(String tenantId, String userId, String callId, boolean answered, ResultInfo reason) implements CallEvent {
    }
}
