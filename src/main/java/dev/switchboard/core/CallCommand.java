package dev.switchboard.core;

import java.util.List;

/**
 * A request on an existing call, as a value: what a {@code CallRouter} carries to the node where the call lives and
 * runs there with {@link #runOn}. Bots' commands address their own call; participants' commands address a call by
 * any of its ids.
 *
 * @param <R> what the command answers
 */
public sealed interface CallCommand<R> {

    /** The call the command is addressed to (how a router finds where it lives). */
    String callId();

    /** Runs the command on the engine that owns the call; called by the router on that node. */
    R runOn(CallEngine engine);

    // ---- bots ------------------------------------------------------------------------------------------------

    record GetCall(String callId, Caller app) implements CallCommand<CallView> {
        public CallView runOn(CallEngine e) {
            return e.bots().get(callId, app);
        }
    }

    record HangUp(String callId, Caller app) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.bots().hangUp(callId, app);
            return null;
        }
    }

    record KeepAlive(String callId, Caller app) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.bots().keepAlive(callId, app);
            return null;
        }
    }

    record ListParticipants(String callId, Caller app) implements CallCommand<List<ParticipantView>> {
        public List<ParticipantView> runOn(CallEngine e) {
            return e.bots().participants(callId, app);
        }
    }

    record GetParticipant(String callId, String participantId, Caller app) implements CallCommand<ParticipantView> {
        public ParticipantView runOn(CallEngine e) {
            return e.bots().participant(callId, participantId, app);
        }
    }

    record ServerMute(String callId, MuteTarget target, boolean muted, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.bots().serverMute(callId, target, muted, app, clientContext);
        }
    }

    record Invite(String callId, List<ParticipantIdentity> invitees, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Invite {
            invitees = List.copyOf(invitees);
        }

        public Operation runOn(CallEngine e) {
            return e.bots().invite(callId, invitees, app, clientContext);
        }
    }

    record RemoveParticipant(String callId, String participantId, Caller app) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.bots().removeParticipant(callId, participantId, app);
            return null;
        }
    }

    record GetOperation(String callId, String operationId, Caller app) implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.bots().operation(callId, operationId, app);
        }
    }

    // ---- participants ------------------------------------------------------------------------------------------

    /** @param offeredFrom where the offer came from (the HTTP remote address), or null */
    record Join(String callId, Caller user, String sdpOffer, java.net.InetAddress offeredFrom)
            implements CallCommand<JoinResult> {
        public JoinResult runOn(CallEngine e) {
            return e.participants().join(callId, user, sdpOffer, offeredFrom);
        }
    }

    record Leave(String callId, String participantId, Caller user) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.participants().leave(callId, participantId, user);
            return null;
        }
    }

    record SetClientMuted(String callId, String participantId, boolean muted, Caller user)
            implements CallCommand<ParticipantView> {
        public ParticipantView runOn(CallEngine e) {
            return e.participants().setClientMuted(callId, participantId, muted, user);
        }
    }

    record GetRoster(String callId, Caller user) implements CallCommand<RosterUpdate> {
        public RosterUpdate runOn(CallEngine e) {
            return e.participants().roster(callId, user);
        }
    }

    // ---- operators ---------------------------------------------------------------------------------------------

    /** An operator ends the whole call (every bot in it hears {@code terminated}); answers false if it was not live. */
    record EndCall(String callId) implements CallCommand<Boolean> {
        public Boolean runOn(CallEngine e) {
            return e.directory().end(callId);
        }
    }
}
