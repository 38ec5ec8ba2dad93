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

    /** {@code outsideDefaultAudio}: the invitees' user ids asked for with {@code removeFromDefaultAudioRoutingGroup}. */
    record Invite(String callId, List<ParticipantIdentity> invitees, java.util.Set<String> outsideDefaultAudio, Caller app,
                  String clientContext) implements CallCommand<Operation> {
        public Invite {
            invitees = List.copyOf(invitees);
            outsideDefaultAudio = java.util.Set.copyOf(outsideDefaultAudio);
        }

        public Operation runOn(CallEngine e) {
            return e.bots().invite(callId, invitees, outsideDefaultAudio, app, clientContext);
        }
    }

    record ListAudioRoutingGroups(String callId, Caller app) implements CallCommand<List<AudioRoutingGroup>> {
        public List<AudioRoutingGroup> runOn(CallEngine e) {
            return e.audioRouting().list(callId, app);
        }
    }

    record GetAudioRoutingGroup(String callId, String groupId, Caller app) implements CallCommand<AudioRoutingGroup> {
        public AudioRoutingGroup runOn(CallEngine e) {
            return e.audioRouting().get(callId, groupId, app);
        }
    }

    /** {@code group.id()} null: the server names it. */
    record CreateAudioRoutingGroup(String callId, AudioRoutingGroup group, Caller app)
            implements CallCommand<AudioRoutingGroup> {
        public AudioRoutingGroup runOn(CallEngine e) {
            return e.audioRouting().create(callId, group, app);
        }
    }

    /** Each of {@code mode}, {@code sources}, {@code receivers} null keeps the group's. */
    record UpdateAudioRoutingGroup(String callId, String groupId, RoutingMode mode, List<String> sources,
                                   List<String> receivers, Caller app) implements CallCommand<AudioRoutingGroup> {
        public AudioRoutingGroup runOn(CallEngine e) {
            return e.audioRouting().update(callId, groupId, mode, sources, receivers, app);
        }
    }

    record DeleteAudioRoutingGroup(String callId, String groupId, Caller app) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.audioRouting().delete(callId, groupId, app);
            return null;
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

    record SubscribeToTone(String callId, Caller app, String clientContext) implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.dtmf().subscribeToTone(callId, app, clientContext);
        }
    }

    /** @param delayMs {@code delayBetweenTonesMs}, or null for the default */
    record SendDtmfTones(String callId, List<dev.switchboard.media.DtmfTone> tones, Integer delayMs, Caller app,
                         String clientContext) implements CallCommand<Operation> {
        public SendDtmfTones {
            tones = List.copyOf(tones);
        }

        public Operation runOn(CallEngine e) {
            return e.dtmf().sendDtmfTones(callId, tones, delayMs, app, clientContext);
        }
    }

    record UpdateRecordingStatus(String callId, RecordingStatus status, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.recordingStatus().update(callId, status, app, clientContext);
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

    /**
     * The call id of a live group call by its {@code joinMeetingId} (the join page's {@code /join?meeting=}). It is
     * addressed by the meeting id, which no router can place: it runs on the node that gets it, which finds the
     * meetings that live there (docs/join-page.md).
     */
    record FindMeeting(String joinMeetingId, String passcode, Caller user) implements CallCommand<String> {
        public String callId() {
            return joinMeetingId;
        }

        public String runOn(CallEngine e) {
            return e.participants().findMeeting(joinMeetingId, passcode, user);
        }
    }

    // ---- incoming calls (docs/inbound-calls.md) -----------------------------------------------------------------

    /**
     * A user dials a bot: creates a new call (a router places it on a node, like a bot's create) whose id is
     * {@link #callId}, fixed here so the router can place it.
     */
    record Dial(String callId, Caller user, CallingBot bot, String sdpOffer, java.net.InetAddress offeredFrom,
                java.time.Duration window) implements CallCommand<IncomingCalls.Dialed> {
        public static Dial of(Caller user, CallingBot bot, String sdpOffer, java.net.InetAddress offeredFrom,
                              java.time.Duration window) {
            return new Dial(Ids.next(), user, bot, sdpOffer, offeredFrom, window);
        }

        public IncomingCalls.Dialed runOn(CallEngine e) {
            return e.incoming().dial(callId, user, bot, sdpOffer, offeredFrom, window);
        }
    }

    record Answer(String callId, Caller app, AnswerRequest answer) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().answer(callId, app, answer);
            return null;
        }
    }

    /** @param callbackUri where the bot hears the end, or null */
    record Reject(String callId, Caller app, RejectReason reason, java.net.URI callbackUri) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().reject(callId, app, reason, callbackUri);
            return null;
        }
    }

    record Redirect(String callId, Caller app, CallingBot target, java.time.Duration timeout, java.net.URI callbackUri)
            implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().redirect(callId, app, target, timeout, callbackUri);
            return null;
        }
    }

    record Transfer(String callId, Caller app, CallingBot target, java.time.Duration window) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().transfer(callId, app, target, window);
            return null;
        }
    }

    /**
     * A transfer naming its {@code transferee}: out of a group call, that user is connected with the bot {@code bot}
     * or the user {@code user}; with {@code replacesCallId} (consultative), they move into that call of the app's,
     * where {@code user} is. In a peer-to-peer call the transferee must be the other party.
     */
    record TransferParticipant(String callId, Caller app, Transferee transferee, CallingBot bot, ParticipantIdentity user,
                               String replacesCallId, java.time.Duration window) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().transferParticipant(callId, app, transferee, bot, user, replacesCallId, window, e.replacements());
            return null;
        }
    }

    /** A consultative transfer: {@code user}, now in call {@code replacesCallId}, moves into call {@code callId}. */
    record TransferReplacing(String callId, Caller app, ParticipantIdentity user, String replacesCallId)
            implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.replacements().transfer(callId, app, user, replacesCallId);
            return null;
        }
    }

    /** An invitation that replaces a call: {@code user}, now in call {@code replacesCallId}, moves into group call {@code callId}. */
    record InviteReplacing(String callId, Caller app, ParticipantIdentity user, String replacesCallId,
                           boolean outsideDefaultAudio, String clientContext) implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.replacements().invite(callId, app, user, replacesCallId, outsideDefaultAudio, clientContext);
        }
    }

    record GetLegStatus(String callId, String participantId, Caller user) implements CallCommand<LegStatus> {
        public LegStatus runOn(CallEngine e) {
            return e.incoming().isDialed(callId) ? e.incoming().legStatus(callId, participantId, user)
                    : e.participants().ownLeg(callId, participantId, user);
        }
    }

    record RedirectToUser(String callId, Caller app, ParticipantIdentity user, java.time.Duration timeout,
                          java.net.URI callbackUri) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().redirectToUser(callId, app, user, timeout, callbackUri);
            return null;
        }
    }

    /** Simultaneous ring (docs/inbound-calls.md): a redirect to several bots and users at once. */
    record RedirectToAll(String callId, Caller app, List<CallingBot> bots, List<ParticipantIdentity> users,
                         java.time.Duration timeout, java.net.URI callbackUri) implements CallCommand<Void> {
        public RedirectToAll {
            bots = List.copyOf(bots);
            users = List.copyOf(users);
        }

        public Void runOn(CallEngine e) {
            e.incoming().redirectToAll(callId, app, bots, users, timeout, callbackUri);
            return null;
        }
    }

    record TransferToUser(String callId, Caller app, ParticipantIdentity user, java.time.Duration window)
            implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().transferToUser(callId, app, user, window);
            return null;
        }
    }

    /** A rung user declines the call. */
    record Decline(String callId, Caller user, RejectReason reason) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.incoming().decline(callId, user, reason);
            return null;
        }
    }

    // ---- service-hosted media (issue 13) --------------------------------------------------------------------------

    record PlayPrompt(String callId, List<MediaPrompt> prompts, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.ivr().playPrompt(callId, prompts, app, clientContext);
        }
    }

    record RecordResponse(String callId, RecordRequest request, Caller app) implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.ivr().recordResponse(callId, request, app);
        }
    }

    record CancelMediaProcessing(String callId, Caller app, String clientContext) implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.ivr().cancelMediaProcessing(callId, app, clientContext);
        }
    }

    /** @param prompt the custom prompt, or null for the built-in music */
    record StartHoldMusic(String callId, String participantId, MediaPrompt prompt, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.ivr().startHoldMusic(callId, participantId, prompt, app, clientContext);
        }
    }

    record StopHoldMusic(String callId, String participantId, Caller app, String clientContext)
            implements CallCommand<Operation> {
        public Operation runOn(CallEngine e) {
            return e.ivr().stopHoldMusic(callId, participantId, app, clientContext);
        }
    }

    /**
     * {@code serviceHostedMediaConfig.preFetchMedia} of a call just created or answered: the prompts start loading into
     * the cache. Never fails the call (docs/ivr-media.md, "Prompts").
     */
    record PreFetchMedia(String callId, List<MediaPrompt> media, Caller app) implements CallCommand<Void> {
        public Void runOn(CallEngine e) {
            e.ivr().preFetch(callId, media, app);
            return null;
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
