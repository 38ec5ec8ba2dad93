package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.notify.NotificationSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
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
 * within the call's tenant. Every failure is a {@link SwitchboardException}.
 */
public final class CallService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    static final int MAX_INVITEES = 5;

    private final MediaEngine media;
    private final CallNotifications notifications;
    private final Clock clock;
    private final CallSettings settings;
    private final CallRegistry registry = new CallRegistry();
    private final Departures departures;
    private final Rosters rosters;
    private final Conferences conferences;
    private final Journaling journal;

    public CallService(MediaEngine media, NotificationSink sink, Clock clock, CallSettings settings) {
        this(media, sink, clock, settings, CallJournal.NONE);
    }

    /** @param journal where live calls are written down, for a restart after a crash (docs/durability.md) */
    public CallService(MediaEngine media, NotificationSink sink, Clock clock, CallSettings settings, CallJournal journal) {
        this.media = media;
        this.notifications = new CallNotifications(sink);
        this.rosters = new Rosters(notifications);
        this.journal = new Journaling(journal);
        this.departures = new Departures(registry, notifications, rosters, this.journal);
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
     * @throws SwitchboardException BAD_REQUEST (media offer refused), FORBIDDEN (wrong passcode), CONFLICT (this identity
     *                       is already in the meeting)
     */
    public CallView create(CreateCallRequest request, Caller app) {
        return conferences.create(request, app);
    }

    /** @throws SwitchboardException ITEM_NOT_FOUND unless the call is live and owned by {@code app} */
    public CallView get(String callId, Caller app) {
        return withCall(callId, app, call -> call.view(call.conference.roster()));
    }

    /** The bot hangs up: its participant leaves; the call ends when no one else remained (a P2P call always ends). */
    public void hangUp(String callId, Caller app) {
        withCall(callId, app, call -> {
            departures.botLeave(call, ResultInfo.BOT_HUNG_UP);
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
        return withCall(callId, app, call -> CallRules.participantOf(call.conference, participantId).view());
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
        return serverMute(callId, CallRules.requireId(participantId), app, true, clientContext);
    }

    /** Lifts a participant's server mute (a Switchboard extension; Graph v1.0 has no such action). */
    public Operation unmuteParticipant(String callId, String participantId, Caller app, String clientContext) {
        return serverMute(callId, CallRules.requireId(participantId), app, false, clientContext);
    }

    /**
     * Invites users into a group call. The operation stays {@code Running} until every invitee has joined
     * (then {@code Completed}, with a notification) or the invitation times out ({@code Failed}).
     */
    public Operation invite(String callId, List<ParticipantIdentity> invitees, Caller app, String clientContext) {
        CallRules.checkClientContext(clientContext);
        if (invitees.isEmpty() || invitees.size() > MAX_INVITEES) {
            throw SwitchboardException.badRequest("participants must list 1 to " + MAX_INVITEES + " invitees.");
        }
        for (ParticipantIdentity who : invitees) {
            if (who.kind() != ParticipantIdentity.Kind.USER) {
                throw SwitchboardException.badRequest("Only users can be invited (identity.user.id).");
            }
        }
        return withCall(callId, app, call -> {
            CallRules.requireGroupCall(call.conference);
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
                throw new SwitchboardException(ErrorCode.NOT_SUPPORTED_IN_P2P, "Removing participants is supported for "
                        + "group calls only; to end a peer-to-peer call, DELETE the call.");
            }
            Participant p = CallRules.participantOf(c, participantId);
            if (p.botCall == call) {
                throw SwitchboardException.badRequest("A bot cannot remove its own participant; to leave, DELETE the call.");
            }
            if (p.botCall != null) {
                departures.botLeave(p.botCall, ResultInfo.REMOVED_BY_PARTICIPANT);
            } else {
                departures.userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            }
            return null;
        });
    }

    /** An operation of this call, among its running ones and its {@link CallSettings#operationRetention()} latest finished ones. */
    public Operation operation(String callId, String operationId, Caller app) {
        return withCall(callId, app, call -> {
            Operation op = call.operation(operationId);
            if (op == null) {
                throw SwitchboardException.notFound("Operation '" + operationId + "'");
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
     * @throws SwitchboardException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a user token, or not the
     *                       target of a P2P call), BAD_REQUEST (offer refused by the media plane, e.g. its media
     *                       address is neither {@code offeredFrom} nor allowed)
     * @param offeredFrom the address the offer came from (the HTTP request's remote address); media goes only there
     *                    or to the media plane's allow-list
     */
    public JoinResult join(String callId, Caller user, String sdpOffer, java.net.InetAddress offeredFrom) {
        CallRules.requireUser(user);
        if (sdpOffer == null || sdpOffer.isBlank()) {
            throw SwitchboardException.badRequest("The SDP offer is empty.");
        }
        return withConference(callId, user, c -> {
            if (c.peerToPeer && !user.userId().equals(c.peerUserId)) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only the target of this peer-to-peer call may join it.");
            }
            Participant existing = c.userParticipant(user.userId());
            if (existing != null) {
                return rejoin(c, existing, sdpOffer, offeredFrom);
            }
            String pid = Ids.next();
            MediaLeg leg = c.room.addLeg(pid, sdpOffer, offeredFrom);
            ParticipantIdentity who = ParticipantIdentity.user(user.userId(), user.displayName(), user.tenantId());
            Participant p = new Participant(pid, who, Integer.toString(c.nextSourceId++), null, leg);
            c.participants.put(pid, p);
            rosters.changed(c, List.of(p), List.of());
            journal.participantsChanged(c, null);
            completeInvitations(c);
            log.info("participant joined callChainId={} participantId={}", c.id, pid);
            return new JoinResult(pid, leg.sdpAnswer(), p.view(), false);
        });
    }

    /** The user leaves; its leg is closed. A peer-to-peer call ends with it; a group call ends when no one remains. */
    public void leave(String callId, String participantId, Caller user) {
        CallRules.requireUser(user);
        withConference(callId, user, c -> {
            departures.userLeave(c, CallRules.ownParticipant(c, participantId, user), ResultInfo.P2P_PEER_LEFT);
            return null;
        });
    }

    /**
     * The participant's own (client) mute. A client unmute never lifts a server mute unless the call was created
     * with {@code callOptions.allowSelfUnmute: true}. Sends a roster update only when something changed.
     */
    public ParticipantView setClientMuted(String callId, String participantId, boolean muted, Caller user) {
        CallRules.requireUser(user);
        return withConference(callId, user, c -> {
            Participant p = CallRules.ownParticipant(c, participantId, user);
            p.leg.setClientMuted(muted);
            boolean changed = p.clientMuted != muted;
            p.clientMuted = muted;
            if (!muted && p.serverMuted && c.allowSelfUnmute) {
                p.leg.setServerMuted(false);
                p.serverMuted = false;
                changed = true;
            }
            if (changed) {
                rosters.changed(c, List.of(p), List.of());
            }
            return p.view();
        });
    }

    /**
     * Subscribes a participant of the call to its roster: the returned subscription's {@link RosterSubscription#initial()}
     * is the current roster, and {@code listener} hears every later change in order.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a participant of it)
     */
    public RosterSubscription subscribeRoster(String callId, Caller user, RosterListener listener) {
        CallRules.requireUser(user);
        return withConference(callId, user, c -> {
            if (c.userParticipant(user.userId()) == null) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only participants of the call may follow its roster.");
            }
            List<ParticipantView> roster = c.roster();
            RosterSubscription s = new RosterSubscription(c, listener,
                    new RosterUpdate(c.aliases, c.id, c.rosterSequence, roster, roster, false));
            c.subscriptions.add(s);
            return s;
        });
    }

    /**
     * The current roster of a call, with its sequence number, for one of its participants; for a stream that
     * registers a {@link #addRosterListener listener} first and then takes this snapshot.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such call in the user's tenant), FORBIDDEN (not a participant of it)
     */
    public RosterUpdate roster(String callId, Caller user) {
        CallRules.requireUser(user);
        return withConference(callId, user, c -> {
            if (c.userParticipant(user.userId()) == null) {
                throw new SwitchboardException(ErrorCode.FORBIDDEN, "Only participants of the call may follow its roster.");
            }
            List<ParticipantView> roster = c.roster();
            return new RosterUpdate(c.aliases, c.id, c.rosterSequence, roster, roster, false);
        });
    }

    /** Every roster change of every call, in order per call; see {@link RosterListener} for the threading contract. */
    public void addRosterListener(RosterListener listener) {
        rosters.addListener(listener);
    }

    public void removeRosterListener(RosterListener listener) {
        rosters.removeListener(listener);
    }

    // ---- housekeeping ----------------------------------------------------------------------------------------

    /**
     * Ends calls whose keep-alive expired (408/8537) and fails invitations that timed out. Run periodically by the
     * server; tests call it after moving their clock.
     */
    public void sweep() {
        var now = clock.instant();
        for (Call call : registry.liveCalls()) {
            Conference c = call.conference;
            c.lock.lock();
            try {
                if (!call.live()) {
                    continue;
                }
                if (!call.lastKeepAlive.plus(settings.keepAliveTimeout()).isAfter(now)) {
                    log.info("call expired callId={} reason=keepAliveTimeout", call.id);
                    departures.botLeave(call, ResultInfo.KEEP_ALIVE_TIMEOUT);
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
        return registry.size();
    }

    /** Ends every call (notifying the bots) and closes every media room. */
    @Override
    public void close() {
        for (Conference c : registry.conferences()) {
            c.lock.lock();
            try {
                if (!c.ended) {
                    departures.endConference(c, ResultInfo.SERVER_SHUTDOWN);
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

    CallRegistry registry() {
        return registry;
    }

    CallNotifications notifications() {
        return notifications;
    }

    Rosters rosters() {
        return rosters;
    }

    Journaling journal() {
        return journal;
    }


    // ---- internals (conference lock held unless stated) ------------------------------------------------------

    private Operation serverMute(String callId, String participantId, Caller app, boolean muted, String clientContext) {
        CallRules.checkClientContext(clientContext);
        return withCall(callId, app, call -> {
            Conference c = call.conference;
            CallRules.requireGroupCall(c);
            Participant p = CallRules.participantOf(c, participantId == null ? call.myParticipantId : participantId);
            // The leg first: once anyone can see serverMuted=true (roster, response), the media plane already drops.
            p.leg.setServerMuted(muted);
            if (p.serverMuted != muted) {
                p.serverMuted = muted;
                rosters.changed(c, List.of(p), List.of());
            }
            Operation op = new Operation(Ids.next(), call.id, muted ? OperationKind.MUTE : OperationKind.UNMUTE,
                    OperationStatus.COMPLETED, clientContext, null, List.of(), clock.instant());
            call.remember(op, settings.operationRetention());
            log.debug("server mute callId={} participantId={} muted={} operationId={}", call.id, p.id, muted, op.id());
            return op;
        });
    }

    private JoinResult rejoin(Conference c, Participant p, String sdpOffer, java.net.InetAddress offeredFrom) {
        MediaLeg old = p.leg;
        p.leg = null;
        if (old != null) {
            old.close();
        }
        MediaLeg leg;
        try {
            leg = c.room.addLeg(p.id, sdpOffer, offeredFrom);
        } catch (RuntimeException e) {
            departures.userLeave(c, p, ResultInfo.P2P_PEER_LEFT);
            throw e;
        }
        leg.setServerMuted(p.serverMuted);
        leg.setClientMuted(p.clientMuted);
        p.leg = leg;
        log.info("participant rejoined callChainId={} participantId={}", c.id, p.id);
        return new JoinResult(p.id, leg.sdpAnswer(), p.view(), true);
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

    private <T> T withCall(String callId, Caller app, Function<Call, T> action) {
        Call call = registry.call(callId);
        if (call == null || app.isUser() || !call.tenantId.equals(app.tenantId()) || !call.appId.equals(app.appId())) {
            throw CallRules.callNotFound(callId);
        }
        Conference c = call.conference;
        c.lock.lock();
        try {
            if (!call.live()) {
                throw CallRules.callNotFound(callId);
            }
            return action.apply(call);
        } finally {
            c.lock.unlock();
        }
    }

    private <T> T withConference(String callId, Caller user, Function<Conference, T> action) {
        Conference c = registry.conference(callId);
        if (c == null || !c.tenantId.equals(user.tenantId())) {
            throw CallRules.callNotFound(callId);
        }
        c.lock.lock();
        try {
            if (c.ended) {
                throw CallRules.callNotFound(callId);
            }
            return action.apply(c);
        } finally {
            c.lock.unlock();
        }
    }
}
