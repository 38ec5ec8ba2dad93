package dev.switchboard.core;

import dev.switchboard.journal.CallJournal;
import dev.switchboard.media.MediaEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * The call engine of one node: builds the use cases ({@link BotCalls}, {@link ParticipantCalls}) over one shared
 * registry, and does the housekeeping (expiry sweep, shutdown). Its state changes are published to the
 * {@link CallEventSink} it is given; it never knows who listens.
 *
 * <p>Thread-safe. {@link #sweep()} runs on the sweeper thread, the use cases on request threads; see
 * docs/concurrency.md.
 */
public final class CallEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallEngine.class);

    private final Clock clock;
    private final CallSettings settings;
    private final CallRegistry registry = new CallRegistry();
    private final Departures departures;
    private final Invitations invitations;
    private final BotCalls bots;
    private final ParticipantCalls participants;
    private final IncomingCalls incoming;
    private final ToneRelay toneRelay;
    private final DtmfCalls dtmf;
    private final RecordingStatusCalls recordingStatus;
    private final AudioRoutingCalls audioRouting;
    private final CallReplacements replacements;
    private final CallAccess access;
    /** The most calls, and operations, this server runs. */
    private final CallCapacity capacity;
    private final CallEvents events;
    private volatile IvrCalls ivr;
    private final CallDirectory directory;
    private final java.util.Map<String, dev.switchboard.error.RefusalLog> refusals;

    public CallEngine(MediaEngine media, CallEventSink sink, Clock clock, CallSettings settings) {
        this(media, sink, clock, settings, CallJournal.NONE);
    }

    /** @param journal where live calls are written down, for a restart after a crash (docs/durability.md) */
    public CallEngine(MediaEngine media, CallEventSink sink, Clock clock, CallSettings settings, CallJournal journal) {
        this.clock = clock;
        this.settings = settings;
        CallEvents events = new CallEvents(sink);
        Rosters rosters = new Rosters(events);
        this.events = events;
        CallAccess access = new CallAccess(registry);
        this.access = access;
        Journaling journaling = new Journaling(journal);
        this.departures = new Departures(registry, events, rosters, journaling);
        this.invitations = new Invitations(events, settings.operationRetention());
        Conferences conferences = new Conferences(registry, media, clock, events, rosters, journaling);
        CallCapacity capacity = new CallCapacity(registry, settings.maxCalls(), settings.maxCallsPerTenant());
        this.capacity = capacity;
        this.bots = new BotCalls(access, conferences, departures, rosters, invitations, clock, settings.operationRetention(),
                capacity);
        MeetingLookupLimit lookups = new MeetingLookupLimit(clock);
        this.refusals = java.util.Map.of("meeting_passcode", conferences.passcodeRefusals(), "meeting_lookup", lookups.refusals());
        this.participants = new ParticipantCalls(access, departures, rosters, invitations, journaling, events, lookups);
        Rings rings = new Rings(events);
        ParticipantMoves moves = new ParticipantMoves(registry, departures, rosters, invitations, journaling, events);
        conferences.ringTargets(rings, settings.ringingTimeout());
        bots.ringInvitees(rings, settings.inviteTimeout());
        this.incoming = new IncomingCalls(registry, access, media, clock, events, rosters, departures, journaling, rings,
                moves, capacity);
        participants.onUserJoined(incoming::userJoined); // a rung user's join answers their ring at once
        this.toneRelay = new ToneRelay(events);
        toneRelay.addHook((call, participantId, tone) -> onDigit(call.id, participantId, tone.symbol())); // stopTones
        this.dtmf = new DtmfCalls(access, toneRelay, events, clock, settings.operationRetention(), capacity);
        this.recordingStatus = new RecordingStatusCalls(access, rosters, clock, settings.operationRetention());
        this.audioRouting = new AudioRoutingCalls(access);
        this.replacements = new CallReplacements(access, moves, departures, invitations, events, clock,
                settings.operationRetention());
        this.directory = new CallDirectory(registry, departures);
    }

    /** Calls users place to bots, and what bots do with them (docs/inbound-calls.md). */
    public IncomingCalls incoming() {
        return incoming;
    }

    /** What bots do with DTMF: subscribeToTone, sendDtmfTones. */
    public DtmfCalls dtmf() {
        return dtmf;
    }

    /** Consultative transfers and invitations that replace a call: a user moves between a bot's calls. */
    public CallReplacements replacements() {
        return replacements;
    }

    /** The bots' updateRecordingStatus. */
    public AudioRoutingCalls audioRouting() {
        return audioRouting;
    }

    public RecordingStatusCalls recordingStatus() {
        return recordingStatus;
    }

    /** What bots do. */
    public BotCalls bots() {
        return bots;
    }

    /**
     * Turns on service-hosted media (playPrompt, recordResponse, hold music); the server does it once at start.
     *
     * @param workers runs prompt downloads and the ends of media jobs (never the mixer or request threads)
     */
    public IvrCalls startIvr(IvrSettings ivrSettings, PromptFetcher fetcher,
                             dev.switchboard.media.ivr.RecordingStore recordings, java.util.concurrent.Executor workers) {
        ivr = new IvrCalls(access, registry, events, clock, settings.operationRetention(), ivrSettings, fetcher,
                recordings, workers, toneRelay, capacity);
        return ivr;
    }

    /** What bots with service-hosted media do. @throws dev.switchboard.error.SwitchboardException NOT_IMPLEMENTED if off */
    public IvrCalls ivr() {
        IvrCalls i = ivr;
        if (i == null) {
            throw new dev.switchboard.error.SwitchboardException(dev.switchboard.error.ErrorCode.NOT_IMPLEMENTED,
                    "Service-hosted media (playPrompt, recordResponse, hold music) is not enabled on this server.");
        }
        return i;
    }

    /**
     * The DTMF hook: a participant of call {@code callId} (any of its ids) sent {@code digit} ({@code 0-9 * # A-D}).
     * A running recordResponse with it among its stopTones ends. Any thread; a no-op without service-hosted media.
     */
    public void onDigit(String callId, String participantId, char digit) {
        IvrCalls i = ivr;
        if (i != null) {
            i.onDigit(callId, participantId, digit);
        }
    }

    /** What participants do. */
    public ParticipantCalls participants() {
        return participants;
    }

    /**
     * The refusals of the guessing limits of calls, by limit ({@code meeting_passcode}, {@code meeting_lookup}): their
     * counts for {@code switchboard_guesses_refused_total{limit}}, and their summaries to write on shutdown.
     */
    public java.util.Map<String, dev.switchboard.error.RefusalLog> refusals() {
        return refusals;
    }

    /** Every live call, for operators (the dashboard). */
    public CallDirectory directory() {
        return directory;
    }

    /**
     * Ends calls whose keep-alive expired (408/8537) and peer-to-peer calls nobody answered within the ringing timeout
     * (408/10057), and fails invitations that timed out. Run periodically by the
     * server's sweeper thread; tests call it after moving their clock.
     */
    public void sweep() {
        incoming.expireUnanswered();
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
                if (c.peerToPeer && call.state == CallState.ESTABLISHING
                        && !call.createdAt.plus(settings.ringingTimeout()).isAfter(now)) {
                    log.info("call expired callId={} reason=ringingTimeout", call.id);
                    departures.botLeave(call, ResultInfo.RINGING_TIMEOUT);
                    continue;
                }
                for (Operation op : List.copyOf(call.runningOperations.values())) {
                    if (op.kind() == OperationKind.INVITE && !op.createdAt().plus(settings.inviteTimeout()).isAfter(now)) {
                        invitations.finish(call, op.finish(OperationStatus.FAILED, ResultInfo.INVITE_TIMEOUT));
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

    /** Ends every call (the bots hear {@code terminated}) and closes every media room. */
    @Override
    public void close() {
        refusals.values().forEach(dev.switchboard.error.RefusalLog::flush); // no refusal goes uncounted in the log
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
}
