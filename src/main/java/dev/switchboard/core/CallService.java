package dev.switchboard.core;

import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.notify.NotificationSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The call engine: calls, participants, operations and the roster sequence.
 *
 * <p>Thread-safe. Each call's state is guarded by the lock of its {@link Conference}; an action takes exactly one
 * such lock, changes state, tells the media leg, queues notifications and informs roster listeners while holding
 * it, so roster sequence numbers and notifications of one call are strictly ordered and never duplicated.
 *
 * <p>Tenancy: a bot's call is visible only to the app and tenant that created it; anyone else gets the same
 * {@code itemNotFound} as for an id that never existed. Participants (users) reach a call by any of its call ids,
 * within the call's tenant. Every failure is a {@link CallException}.
 */
public final class CallService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    static final int MAX_CLIENT_CONTEXT = 256;
    static final int MAX_INVITEES = 5;

    private final MediaEngine media;
    private final CallNotifications notifications;
    private final Clock clock;
    private final CallSettings settings;
    private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Conference> conferencesByCallId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Conference> meetings = new ConcurrentHashMap<>();
    private final List<RosterListener> rosterListeners = new CopyOnWriteArrayList<>();
    private final Conferences conferences;

    public CallService(MediaEngine media, NotificationSink sink, Clock clock, CallSettings settings) {
        this.media = media;
        this.notifications = new CallNotifications(sink);
        this.clock = clock;
        this.settings = settings;
        this.conferences = new Conferences(this);
    }

    // ---- bots: the Graph API -------------------------------------------------------------------------------

    /**
     * Creates a call (peer-to-peer, new group call, or a join of an existing group call by its meeting
     * coordinates). The caller has already checked the permissions for the kind of call. The returned view is
     * {@code establishing}; the call becomes {@code established} before this returns, once its media leg exists.
     *
     * @throws CallException BAD_REQUEST (media offer refused), FORBIDDEN (wrong passcode), CONFLICT (this identity
     *                       is already in the meeting)
     */
    public CallView create(CreateCallRequest request, Caller app) {
        return conferences.create(request, app);
    }

    /** @throws CallException ITEM_NOT_FOUND unless the call is live and owned by {@code app} */
    public CallView get(String callId, Caller app) {
        return withCall(callId, app, call -> call.view(call.conference.roster()));
    }

    /** The bot hangs up: its participant leaves; the call ends when no one else remained (a P2P call always ends). */
    public void hangUp(String callId, Caller app) {
        withCall(callId, app, call -> {
            botLeave(call, ResultInfo.BOT_HUNG_UP);
            return null;
        });
    }

    /** Records a keep-alive; a call without one for {@link CallSettings#keepAliveTimeout()} ends in {@link #sweep()}. */
    public void keepAlive(String callId, Caller app) {
        withCall(callId, app, call -> {
            call.lastKeepAlive = clock.instant();
            return null;
        });
    }

    public List<ParticipantView> participants(String callId, Caller app) {
        return withCall(callId, app, call -> call.conference.roster());
    }

    public ParticipantView participant(String callId, String participantId, Caller app) {
        return withCall(callId, app, call -> participantOf(call.conference, participantId).view());
    }

    /** Server-mutes the bot itself ({@code call: mute}); group calls only. */
    public Operation mute(String callId, Caller app, String clientContext) {
        return serverMute(callId, null, app, true, clientContext);
    }

    /** Server-unmutes the bot itself ({@code call: unmute}); group calls only. */
    public Operation unmute(String callId, Caller app, String clientContext) {
        return serverMute(callId, null, app, false, clientContext);
    }

    /** Server-mutes a participant ({@code participant: mute}); group calls only. */
    public Operation muteParticipant(String callId, String participantId, Caller app, String clientContext) {
        return serverMute(callId, requireId(participantId), app, true, clientContext);
    }

    /** Lifts a participant's server mute (a Switchboard extension; Graph v1.0 has no such action). */
    public Operation unmuteParticipant(String callId, String participantId, Caller app, String clientContext) {
        return serverMute(callId, requireId(participantId), app, false, clientContext);
    }

    /**
     * Invites users into a group call. The operation stays {@code Running} until every invitee has joined
     * (then {@code Completed}, with a notification) or the invitation times out ({@code Failed}).
     */
    public Operation invite(String callId, List<ParticipantIdentity> invitees, Caller app, String clientContext) {
        checkClientContext(clientContext);
        if (invitees.isEmpty() || invitees.size() > MAX_INVITEES) {
            throw CallException.badRequest("participants must list 1 to " + MAX_INVITEES + " invitees.");
        }
        for (ParticipantIdentity who : invitees) {
            if (who.kind() != ParticipantIdentity.Kind.USER) {
                throw CallException.badRequest("Only users can be invited (identity.user.id).");
            }
        }
        return withCall(callId, app, call -> {
            requireGroupCall(call.conference);
            Operation op = new Operation(Ids.next(), call.id, OperationKind.INVITE, OperationStatus.RUNNING,
                    clientContext, null, invitees, clock.instant());
            if (allPresent(call.conference, op)) {
                op = op.finish(OperationStatus.COMPLETED, ResultInfo.SUCCESS);
            }
            call.remember(op, settings.operationRetention());
            return op;
        });
    }

    /** Removes a participant ({@code DELETE .../participants/{id}}); its media leg is closed. Group calls only. */
    public void removeParticipant(String callId, String participantId, Caller app) {
        withCall(callId, app, call -> {
            Conference c = call.conference;
            if (c.peerToPeer) {
                throw new CallException(ErrorCode.NOT_SUPPORTED_IN_P2P, "Removing participants is supported for "
                        + "group calls only; to end a peer-to-peer call, DELETE the call.");
            }
            Participant p = participantOf(c, participantId);
            if (p.botCall == call) {
                throw CallException.badRequest("A bot cannot remove its own participant; to leave, DELETE the call.");
            }
            if (p.botCall != null) {
                botLeave(p.botCall, ResultInfo.REMOVED_BY_PARTICIPANT);
            } else {
                userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            }
            return null;
        });
    }

    /** An operation of this call, among its running ones and its {@link CallSettings#operationRetention()} latest finished ones. */
    public Operation operation(String callId, String operationId, Caller app) {
        return withCall(callId, app, call -> {
            Operation op = call.operation(operationId);
            if (op == null) {
                throw CallException.notFound("Operation '" + operationId + "'");
            }
            return op;
        });
    }

    // ---- participants: the client API ------------------------------------------------------------------------

    /**
     * A user joins with an SDP offer. A peer-to-peer call accepts only its target; a group call any user of its
     * tenant. A user already in the call keeps their participant id and mute state, and gets a new leg in place
     * of the old one. Completes the invitations waiting for this user.
     *
     * @throws CallException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a user token, or not the
     *                       target of a P2P call), BAD_REQUEST (offer refused by the media plane)
     */
    public JoinResult join(String callId, Caller user, String sdpOffer) {
        requireUser(user);
        if (sdpOffer == null || sdpOffer.isBlank()) {
            throw CallException.badRequest("The SDP offer is empty.");
        }
        return withConference(callId, user, c -> {
            if (c.peerToPeer && !user.userId().equals(c.peerUserId)) {
                throw new CallException(ErrorCode.FORBIDDEN, "Only the target of this peer-to-peer call may join it.");
            }
            Participant existing = c.userParticipant(user.userId());
            if (existing != null) {
                return rejoin(c, existing, sdpOffer);
            }
            String pid = Ids.next();
            MediaLeg leg = c.room.addLeg(pid, sdpOffer);
            ParticipantIdentity who = ParticipantIdentity.user(user.userId(), user.displayName(), user.tenantId());
            Participant p = new Participant(pid, who, Integer.toString(c.nextSourceId++), null, leg);
            c.participants.put(pid, p);
            rosterChanged(c, List.of(p), List.of());
            completeInvitations(c);
            log.info("participant joined callChainId={} participantId={}", c.id, pid);
            return new JoinResult(pid, leg.sdpAnswer(), p.view(), false);
        });
    }

    /** The user leaves; its leg is closed. A peer-to-peer call ends with it; a group call ends when no one remains. */
    public void leave(String callId, String participantId, Caller user) {
        requireUser(user);
        withConference(callId, user, c -> {
            userLeave(c, ownParticipant(c, participantId, user), ResultInfo.P2P_PEER_LEFT);
            return null;
        });
    }

    /**
     * The participant's own (client) mute. A client unmute never lifts a server mute unless the call was created
     * with {@code callOptions.allowSelfUnmute: true}. Sends a roster update only when something changed.
     */
    public ParticipantView setClientMuted(String callId, String participantId, boolean muted, Caller user) {
        requireUser(user);
        return withConference(callId, user, c -> {
            Participant p = ownParticipant(c, participantId, user);
            p.leg.setClientMuted(muted);
            boolean changed = p.clientMuted != muted;
            p.clientMuted = muted;
            if (!muted && p.serverMuted && c.allowSelfUnmute) {
                p.leg.setServerMuted(false);
                p.serverMuted = false;
                changed = true;
            }
            if (changed) {
                rosterChanged(c, List.of(p), List.of());
            }
            return p.view();
        });
    }

    /**
     * Subscribes a participant of the call to its roster: the returned subscription's {@link RosterSubscription#initial()}
     * is the current roster, and {@code listener} hears every later change in order.
     *
     * @throws CallException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a participant of it)
     */
    public RosterSubscription subscribeRoster(String callId, Caller user, RosterListener listener) {
        requireUser(user);
        return withConference(callId, user, c -> {
            if (c.userParticipant(user.userId()) == null) {
                throw new CallException(ErrorCode.FORBIDDEN, "Only participants of the call may follow its roster.");
            }
            List<ParticipantView> roster = c.roster();
            RosterSubscription s = new RosterSubscription(c, listener,
                    new RosterUpdate(c.aliases, c.id, c.rosterSequence, roster, roster, false));
            c.subscriptions.add(s);
            return s;
        });
    }

    /**
     * The current roster of a call a user may see (any user of the call's tenant), with its sequence number; for a
     * stream that registers its listener first and then takes this snapshot.
     *
     * @throws CallException ITEM_NOT_FOUND (no such call in the user's tenant)
     */
    public RosterUpdate roster(String callId, Caller user) {
        requireUser(user);
        return withConference(callId, user, c -> {
            List<ParticipantView> roster = c.roster();
            return new RosterUpdate(c.aliases, c.id, c.rosterSequence, roster, roster, false);
        });
    }

    /** Every roster change of every call, in order per call; see {@link RosterListener} for the threading contract. */
    public void addRosterListener(RosterListener listener) {
        rosterListeners.add(listener);
    }

    public void removeRosterListener(RosterListener listener) {
        rosterListeners.remove(listener);
    }

    // ---- housekeeping ----------------------------------------------------------------------------------------

    /**
     * Ends calls whose keep-alive expired (408/8537) and fails invitations that timed out. Run periodically by the
     * server; tests call it after moving their clock.
     */
    public void sweep() {
        var now = clock.instant();
        for (Call call : List.copyOf(calls.values())) {
            Conference c = call.conference;
            c.lock.lock();
            try {
                if (!call.live()) {
                    continue;
                }
                if (!call.lastKeepAlive.plus(settings.keepAliveTimeout()).isAfter(now)) {
                    log.info("call expired callId={} reason=keepAliveTimeout", call.id);
                    botLeave(call, ResultInfo.KEEP_ALIVE_TIMEOUT);
                    continue;
                }
                for (Operation op : List.copyOf(call.runningOperations.values())) {
                    if (!op.createdAt().plus(settings.inviteTimeout()).isAfter(now)) {
                        finishOperation(call, op.finish(OperationStatus.FAILED, ResultInfo.INVITE_TIMEOUT));
                    }
                }
            } finally {
                c.lock.unlock();
            }
        }
    }

    /** Live bot calls. */
    public int liveCalls() {
        return calls.size();
    }

    /** Ends every call (notifying the bots) and closes every media room. */
    @Override
    public void close() {
        for (Conference c : List.copyOf(conferencesByCallId.values())) {
            c.lock.lock();
            try {
                if (!c.ended) {
                    endConference(c, ResultInfo.SERVER_SHUTDOWN);
                }
            } finally {
                c.lock.unlock();
            }
        }
    }

    // ---- shared by Conferences (package) --------------------------------------------------------------------

    MediaEngine media() {
        return media;
    }

    Clock clock() {
        return clock;
    }

    ConcurrentHashMap<String, Conference> meetings() {
        return meetings;
    }

    CallNotifications notifications() {
        return notifications;
    }

    /** Registers a new bot call; conference lock held. */
    void register(Call call) {
        calls.put(call.id, call);
        conferencesByCallId.put(call.id, call.conference);
    }

    // ---- internals (conference lock held unless stated) ------------------------------------------------------

    private Operation serverMute(String callId, String participantId, Caller app, boolean muted, String clientContext) {
        checkClientContext(clientContext);
        return withCall(callId, app, call -> {
            Conference c = call.conference;
            requireGroupCall(c);
            Participant p = participantOf(c, participantId == null ? call.myParticipantId : participantId);
            // The leg first: once anyone can see serverMuted=true (roster, response), the media plane already drops.
            p.leg.setServerMuted(muted);
            if (p.serverMuted != muted) {
                p.serverMuted = muted;
                rosterChanged(c, List.of(p), List.of());
            }
            Operation op = new Operation(Ids.next(), call.id, muted ? OperationKind.MUTE : OperationKind.UNMUTE,
                    OperationStatus.COMPLETED, clientContext, null, List.of(), clock.instant());
            call.remember(op, settings.operationRetention());
            log.debug("server mute callId={} participantId={} muted={} operationId={}", call.id, p.id, muted, op.id());
            return op;
        });
    }

    private JoinResult rejoin(Conference c, Participant p, String sdpOffer) {
        MediaLeg old = p.leg;
        p.leg = null;
        if (old != null) {
            old.close();
        }
        MediaLeg leg;
        try {
            leg = c.room.addLeg(p.id, sdpOffer);
        } catch (RuntimeException e) {
            userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            throw e;
        }
        leg.setServerMuted(p.serverMuted);
        leg.setClientMuted(p.clientMuted);
        p.leg = leg;
        log.info("participant rejoined callChainId={} participantId={}", c.id, p.id);
        return new JoinResult(p.id, leg.sdpAnswer(), p.view(), true);
    }

    void botLeave(Call call, ResultInfo why) {
        Conference c = call.conference;
        call.state = CallState.TERMINATING;
        notifications.callState(call);
        Participant p = c.participants.remove(call.myParticipantId);
        closeLeg(p);
        c.botCalls.remove(call);
        calls.remove(call.id);
        call.state = CallState.TERMINATED;
        call.resultInfo = why;
        notifications.callState(call);
        log.info("call terminated callId={} code={} subcode={}", call.id, why.code(), why.subcode());
        if (c.peerToPeer || c.participants.isEmpty()) {
            endConference(c, why);
        } else if (p != null) {
            rosterChanged(c, List.of(), List.of(p));
        }
    }

    private void userLeave(Conference c, Participant p, ResultInfo p2pReason) {
        c.participants.remove(p.id);
        closeLeg(p);
        if (c.peerToPeer) {
            endConference(c, p2pReason);
        } else if (c.participants.isEmpty()) {
            endConference(c, ResultInfo.BOT_HUNG_UP);
        } else {
            rosterChanged(c, List.of(), List.of(p));
        }
    }

    private void endConference(Conference c, ResultInfo why) {
        for (Call bot : List.copyOf(c.botCalls)) {
            if (bot.live()) {
                c.participants.remove(bot.myParticipantId);
                bot.state = CallState.TERMINATING;
                notifications.callState(bot);
                bot.state = CallState.TERMINATED;
                bot.resultInfo = why;
                notifications.callState(bot);
            }
            calls.remove(bot.id);
        }
        List<ParticipantView> removed = new ArrayList<>();
        long seq = ++c.rosterSequence;
        for (Participant p : c.participants.values()) {
            closeLeg(p);
            removed.add(p.removedView(seq));
        }
        c.participants.clear();
        c.botCalls.clear();
        c.ended = true;
        publish(c, new RosterUpdate(c.aliases, c.id, seq, List.of(), removed, true));
        c.subscriptions.clear();
        for (String alias : c.aliases) {
            conferencesByCallId.remove(alias, c);
        }
        for (String key : c.meetingKeys) {
            meetings.remove(key, c);
        }
        try {
            c.room.close();
        } catch (RuntimeException e) {
            log.warn("media room did not close cleanly callChainId={}", c.id, e);
        }
        log.info("call ended callChainId={} code={} subcode={}", c.id, why.code(), why.subcode());
    }

    /** Bumps the sequence, stamps the changed entries, notifies the bots and the roster listeners. */
    void rosterChanged(Conference c, List<Participant> changed, List<Participant> removed) {
        long seq = ++c.rosterSequence;
        List<ParticipantView> delta = new ArrayList<>(changed.size() + removed.size());
        for (Participant p : changed) {
            p.rosterSequenceNumber = seq;
            delta.add(p.view());
        }
        for (Participant p : removed) {
            delta.add(p.removedView(seq));
        }
        List<ParticipantView> roster = c.roster();
        if (!c.peerToPeer) {
            for (Call bot : c.botCalls) {
                if (bot.live()) {
                    notifications.roster(bot, roster, delta);
                }
            }
        }
        publish(c, new RosterUpdate(c.aliases, c.id, seq, roster, delta, false));
    }

    private void publish(Conference c, RosterUpdate update) {
        for (RosterListener l : rosterListeners) {
            deliver(l, update);
        }
        for (RosterSubscription s : c.subscriptions) {
            deliver(s.listener(), update);
        }
    }

    private static void deliver(RosterListener l, RosterUpdate update) {
        try {
            l.rosterChanged(update);
        } catch (RuntimeException e) {
            log.warn("roster listener failed callChainId={} sequence={}", update.callChainId(), update.sequenceNumber(), e);
        }
    }

    private void completeInvitations(Conference c) {
        for (Call bot : c.botCalls) {
            for (Operation op : List.copyOf(bot.runningOperations.values())) {
                if (op.kind() == OperationKind.INVITE && allPresent(c, op)) {
                    finishOperation(bot, op.finish(OperationStatus.COMPLETED, ResultInfo.SUCCESS));
                }
            }
        }
    }

    private void finishOperation(Call call, Operation finished) {
        call.remember(finished, settings.operationRetention());
        notifications.operationFinished(call, finished);
    }

    private static boolean allPresent(Conference c, Operation invite) {
        for (ParticipantIdentity who : invite.invitees()) {
            if (c.userParticipant(who.id()) == null) {
                return false;
            }
        }
        return true;
    }

    private static void closeLeg(Participant p) {
        if (p != null && p.leg != null) {
            try {
                p.leg.close();
            } catch (RuntimeException e) {
                log.warn("media leg did not close cleanly participantId={}", p.id, e);
            }
            p.leg = null;
        }
    }

    private <T> T withCall(String callId, Caller app, Function<Call, T> action) {
        Call call = callId == null ? null : calls.get(callId);
        if (call == null || app.isUser() || !call.tenantId.equals(app.tenantId()) || !call.appId.equals(app.appId())) {
            throw callNotFound(callId);
        }
        Conference c = call.conference;
        c.lock.lock();
        try {
            if (!call.live()) {
                throw callNotFound(callId);
            }
            return action.apply(call);
        } finally {
            c.lock.unlock();
        }
    }

    private <T> T withConference(String callId, Caller user, Function<Conference, T> action) {
        Conference c = callId == null ? null : conferencesByCallId.get(callId);
        if (c == null || !c.tenantId.equals(user.tenantId())) {
            throw callNotFound(callId);
        }
        c.lock.lock();
        try {
            if (c.ended) {
                throw callNotFound(callId);
            }
            return action.apply(c);
        } finally {
            c.lock.unlock();
        }
    }

    private static CallException callNotFound(String callId) {
        return CallException.notFound("Call '" + callId + "'");
    }

    private static Participant participantOf(Conference c, String participantId) {
        Participant p = participantId == null ? null : c.participants.get(participantId);
        if (p == null || p.leg == null) {
            throw CallException.notFound("Participant '" + participantId + "'");
        }
        return p;
    }

    private static Participant ownParticipant(Conference c, String participantId, Caller user) {
        Participant p = participantOf(c, participantId);
        if (!p.isUser(user.userId())) {
            throw new CallException(ErrorCode.FORBIDDEN, "A participant can only act on itself.");
        }
        return p;
    }

    private static void requireGroupCall(Conference c) {
        if (c.peerToPeer) {
            throw new CallException(ErrorCode.NOT_SUPPORTED_IN_P2P, "Mute, unmute, participant mute and invite are "
                    + "supported for group calls only; this is a peer-to-peer call.");
        }
    }

    private static void requireUser(Caller p) {
        if (!p.isUser()) {
            throw new CallException(ErrorCode.FORBIDDEN, "Joining a call and acting as its participant needs a user token.");
        }
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw CallException.badRequest("A participant id is required.");
        }
        return id;
    }

    static void checkClientContext(String clientContext) {
        if (clientContext != null && clientContext.length() > MAX_CLIENT_CONTEXT) {
            throw CallException.badRequest("clientContext must be at most " + MAX_CLIENT_CONTEXT + " characters, was "
                    + clientContext.length() + ".");
        }
    }
}
