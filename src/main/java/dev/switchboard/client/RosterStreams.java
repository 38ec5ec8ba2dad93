package dev.switchboard.client;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.Caller;
import dev.switchboard.core.RosterUpdate;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every call's roster streams, with their limits. As a {@link CallEventSink} of the call engine it hears every
 * roster change ({@link CallEvent.RosterChanged}) and hands it to that call's {@link CallRoster} (a map lookup: no
 * work per stream on the thread that applied the change); fan-out runs on virtual threads, and a watchdog closes
 * streams whose reader stalled. It never calls the engine: the client API hands it the roster snapshots. The users'
 * ring streams ({@link RingStreams}) get their feeds here too ({@link #openRingFeed}): the same byte bound, and the
 * same watchdog.
 *
 * <p>Thread-safe. {@link #admit} and {@link #open} run on request threads, the listener on whatever thread changed
 * a roster, the fan-out on the {@code roster-fanout} virtual threads, the stall checks on {@code roster-watchdog}
 * (see {@code docs/roster-stream.md} and {@code docs/concurrency.md}).
 */
public final class RosterStreams implements CallEventSink, AutoCloseable {
    /** Seconds a client refused for too many streams is told to wait ({@code Retry-After}). */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(RETRY_AFTER_SECONDS);
    private static final long MIN_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The most {@code levels} messages a stream gets per second. */
    public static final int LEVELS_PER_SECOND = 5;
    /** Seconds a slot reserved before the upgrade waits to be claimed by the connected socket. */
    static final int RESERVATION_SECONDS = 30;
    /** Ring notices waiting for the roster streams' pass at most; more are dropped and counted. */
    static final int MAX_WAITING_NOTICES = 10_000;

    private final RosterStreamSettings settings;
    private final Executor fanOut;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<String, CallRoster> rosters = new ConcurrentHashMap<>();
    /** The ring streams' feeds, for the watchdog. */
    private final java.util.Set<RosterFeed> ringFeeds = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong slotIds = new AtomicLong();
    private final Counter stalled;
    private final Counter overBound;
    private final Counter ringStalled;
    private final Counter ringOverBound;
    private final Counter refusedPerUser;
    private final Counter refusedPerCall;
    private final ExecutorService ownFanOut;
    private final ScheduledExecutorService watchdog;
    /** Ring notices for users' roster streams, in the order they came; one pass at a time sends them. */
    private final ConcurrentLinkedQueue<UserNotice> notices = new ConcurrentLinkedQueue<>();
    private final AtomicInteger noticesWaiting = new AtomicInteger();
    private final AtomicBoolean noticesPassing = new AtomicBoolean();
    private final Counter noticesDropped;
    private ScheduledExecutorService levelsTimer;

    /** Production: fan-out on virtual threads, a watchdog thread checking for stalls. Close it with the server. */
    public RosterStreams(RosterStreamSettings settings, MeterRegistry metrics) {
        this(settings, metrics, Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("roster-fanout-", 0).factory()),
                System::nanoTime, true);
    }

    /** For tests: the given fan-out executor and clock, no watchdog thread (call {@link #closeStalled} yourself). */
    RosterStreams(RosterStreamSettings settings, MeterRegistry metrics, Executor fanOut, LongSupplier nanoTime) {
        this(settings, metrics, fanOut, nanoTime, false);
    }

    private RosterStreams(RosterStreamSettings settings, MeterRegistry metrics, Executor fanOut, LongSupplier nanoTime,
                          boolean ownThreads) {
        this.settings = settings;
        this.fanOut = fanOut;
        this.nanoTime = nanoTime;
        this.ownFanOut = ownThreads ? (ExecutorService) fanOut : null;
        Gauge.builder("switchboard.roster.streams", open, AtomicInteger::get).description("open roster streams")
                .register(metrics);
        stalled = closedCounter(metrics, "stalled");
        overBound = closedCounter(metrics, "over_bound");
        ringStalled = ringClosedCounter(metrics, "stalled");
        ringOverBound = ringClosedCounter(metrics, "over_bound");
        refusedPerUser = refusedCounter(metrics, "per_user_per_call");
        refusedPerCall = refusedCounter(metrics, "per_call");
        noticesDropped = Counter.builder("switchboard.roster.ring.notices.dropped")
                .description("ring notices not sent to roster streams because too many were waiting").register(metrics);
        if (ownThreads) {
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "roster-watchdog");
                t.setDaemon(true);
                return t;
            });
            long every = Math.clamp(settings.stallTimeout().toMillis() / 4, 25, 1000);
            watchdog.scheduleWithFixedDelay(this::closeStalled, every, every, TimeUnit.MILLISECONDS);
        } else {
            watchdog = null;
        }
    }

    public RosterStreamSettings settings() {
        return settings;
    }

    /**
     * Before the WebSocket upgrade: the user must be a participant of the call and within the stream limits; a slot
     * is reserved for the stream from now on (so concurrent upgrades cannot overshoot). Hand it to {@link #open}
     * once connected, or to {@link #close}; a slot never claimed expires after {@value #RESERVATION_SECONDS} s.
     *
     * @param current the call's roster as the user may see it now (getting it checked that the user is a participant)
     * @throws SwitchboardException ITEM_NOT_FOUND (the call ended), TOO_MANY_REQUESTS (a limit)
     */
    public RosterSlot reserve(String callId, Caller user, RosterUpdate current) {
        return reserve(callId, user, current, false);
    }

    /** As {@link #reserve(String, Caller, RosterUpdate)}; {@code levels}: the stream also gets {@code levels} messages. */
    public RosterSlot reserve(String callId, Caller user, RosterUpdate current, boolean levels) {
        String chainId = current.callChainId();
        RosterSlot slot = new RosterSlot(slotIds.incrementAndGet(), chainId, callId, user, nanoTime.getAsLong(), levels);
        CallRoster.Admission[] admission = new CallRoster.Admission[1];
        rosters.compute(chainId, (id, existing) -> {
            CallRoster roster = existing != null ? existing : new CallRoster(id, fanOut);
            admission[0] = roster.reserve(slot, settings);
            return roster.size() == 0 ? null : roster;
        });
        switch (admission[0]) {
            case OVER_USER_LIMIT -> {
                refusedPerUser.increment();
                throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "At most " + settings.maxPerUserPerCall()
                        + " roster streams per user per call are allowed; close one first.", RETRY_AFTER);
            }
            case OVER_CALL_LIMIT -> {
                refusedPerCall.increment();
                throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, "At most " + settings.maxPerCall()
                        + " roster streams per call are allowed.", RETRY_AFTER);
            }
            case ENDED -> throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call ended.");
            case ADMITTED -> {
                return slot;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * Opens the stream of a reserved slot on its connected channel: it first gets the current roster, then every
     * change (skipping to the newest when the reader falls behind).
     *
     * @param current the call's roster now, for the slot's user (taken after the stream is attached)
     * @throws SwitchboardException ITEM_NOT_FOUND (the call ended, or the slot expired), FORBIDDEN (no longer a
     *                              participant); the caller closes the channel
     */
    void open(RosterSlot slot, RosterChannel channel, Supplier<RosterUpdate> current) {
        RosterFeed feed = new RosterFeed(channel, settings.maxQueuedBytes(), nanoTime, this::countSlow);
        CallRoster roster = rosters.get(slot.callChainId());
        if (roster == null || !roster.attach(slot, feed)) {
            throw new SwitchboardException(ErrorCode.ITEM_NOT_FOUND, "The call ended.");
        }
        open.incrementAndGet();
        try {
            roster.publish(current.get()); // attached first: no change can fall in between
        } catch (SwitchboardException e) {
            close(slot);
            throw e;
        }
    }

    /** The stream's connection closed (either side), or its upgrade failed: free the slot. Harmless twice. */
    void close(RosterSlot slot) {
        RosterFeed[] feed = new RosterFeed[1];
        rosters.computeIfPresent(slot.callChainId(), (id, roster) -> {
            feed[0] = roster.release(slot);
            return roster.size() == 0 ? null : roster;
        });
        if (feed[0] != null) {
            feed[0].markClosed();
            open.decrementAndGet();
        }
    }

    /**
     * A user's ring stream opened on {@code channel}: its feed, under the roster streams' byte bound
     * ({@link RosterFeed#sendInOrder}) and checked by their watchdog; closed with 1008 like a roster stream when its
     * reader is too slow (counted apart: {@code switchboard.ring.streams.closed.slow}). Hand it to
     * {@link #closeRingFeed} when the connection closes.
     */
    RosterFeed openRingFeed(RosterChannel channel) {
        RosterFeed feed = new RosterFeed(channel, "ring stream", settings.maxQueuedBytes(), nanoTime,
                reason -> (reason == RosterFeed.SlowReason.STALLED ? ringStalled : ringOverBound).increment());
        ringFeeds.add(feed);
        return feed;
    }

    /** A ring stream's connection closed (either side): forget its feed. Harmless twice. */
    void closeRingFeed(RosterFeed feed) {
        feed.markClosed();
        ringFeeds.remove(feed);
    }

    /** One watchdog round: closes streams whose write has been unfinished longer than the stall timeout. */
    void closeStalled() {
        long stall = settings.stallTimeout().toNanos();
        long grace = Math.max(stall, MIN_CLOSE_GRACE_NANOS);
        long now = nanoTime.getAsLong();
        for (CallRoster roster : rosters.values()) {
            for (RosterFeed feed : roster.feeds()) {
                feed.closeIfStalled(stall, grace);
            }
            roster.expireReservations(now, TimeUnit.SECONDS.toNanos(RESERVATION_SECONDS));
        }
        for (RosterFeed feed : ringFeeds) {
            feed.closeIfStalled(stall, grace);
        }
    }

    /**
     * Starts the {@code levels} messages: every {@code 1/}{@value #LEVELS_PER_SECOND} s a {@code roster-levels}
     * thread reads the levels of each call with streams that asked for them ({@code ?levels=true}) from {@code source}
     * and offers the message to each of those streams that has nothing queued ({@link RosterFeed#offerIfIdle}); a message equal to the call's previous one is
     * sent again only once a second. Call once, before streams open; a second call is ignored.
     */
    public synchronized void sendLevels(CallLevels source) {
        if (levelsTimer != null || closed) {
            return;
        }
        levelsTimer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("roster-levels").daemon().unstarted(r));
        long every = 1000 / LEVELS_PER_SECOND;
        levelsTimer.scheduleWithFixedDelay(() -> sendLevelsOnce(source), every, every, TimeUnit.MILLISECONDS);
    }

    /** One round of level messages (the {@code roster-levels} thread; tests call it directly). */
    void sendLevelsOnce(CallLevels source) {
        for (CallRoster roster : rosters.values()) {
            try {
                Map<RosterSlot, RosterFeed> streams = roster.streams();
                RosterSlot asking = null;
                for (RosterSlot s : streams.keySet()) {
                    if (s.levels()) {
                        asking = s;
                        break;
                    }
                }
                if (asking == null) {
                    continue;
                }
                Map<String, Double> levels = source.levels(asking.callId());
                String json = RosterMessages.levelsJson(levels);
                if (json.equals(roster.lastLevels) && ++roster.levelsRepeated % LEVELS_PER_SECOND != 0) {
                    continue; // unchanged: sent again once a second (a stream busy the first time gets it then)
                }
                Map<String, RosterMessage> byCallId = new HashMap<>();
                boolean delivered = false;
                for (Map.Entry<RosterSlot, RosterFeed> stream : streams.entrySet()) {
                    if (!stream.getKey().levels()) {
                        continue;
                    }
                    RosterMessage m = byCallId.computeIfAbsent(stream.getKey().callId(), id -> RosterMessages.levels(id, json));
                    delivered |= stream.getValue().offerIfIdle(m);
                }
                if (delivered) {
                    roster.lastLevels = json;
                }
            } catch (RuntimeException e) {
                // the call ended or moved meanwhile: no levels this round
            }
        }
    }

    /** Runs on the thread that changed the roster, conference lock held: a map lookup and a hand-off, nothing more. */
    @Override
    public void publish(CallEvent event) {
        if (closed || !(event instanceof CallEvent.RosterChanged changed)) {
            return;
        }
        CallRoster roster = rosters.get(changed.update().callChainId());
        if (roster != null) {
            roster.publish(changed.update());
        }
    }

    /**
     * Sends a message that is not a roster (a ring notice, docs/inbound-calls.md) to every roster stream the user has
     * open, on any call, beside the roster messages: never coalesced with them and not counted in their sequence.
     * Returns at once; the search and the writes run on the fan-out executor, one notice after another in the order
     * they came. At most {@value #MAX_WAITING_NOTICES} wait; more are dropped and counted. Any thread.
     */
    public void toUser(String tenantId, String userId, String text) {
        if (closed) {
            return;
        }
        if (noticesWaiting.incrementAndGet() > MAX_WAITING_NOTICES) {
            noticesWaiting.decrementAndGet();
            noticesDropped.increment();
            return;
        }
        notices.add(new UserNotice(tenantId, userId,
                new RosterMessage(-1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), false)));
        passNoticesSoon();
    }

    /** A ring notice on its way to one user's roster streams. */
    private record UserNotice(String tenantId, String userId, RosterMessage message) {
    }

    /**
     * Starts the one notice pass unless it runs: notices go out from one task at a time, in the order they came (a
     * {@code ringing} is never overtaken by its own {@code cancelled}, as it could be with a task per notice).
     */
    private void passNoticesSoon() {
        if (noticesPassing.compareAndSet(false, true)) {
            try {
                fanOut.execute(this::passNotices);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                noticesPassing.set(false); // shutting down
            }
        }
    }

    private void passNotices() {
        try {
            for (UserNotice n; (n = notices.poll()) != null; ) {
                noticesWaiting.decrementAndGet();
                for (CallRoster roster : rosters.values()) {
                    roster.toUser(n.tenantId(), n.userId(), n.message());
                }
            }
        } finally {
            noticesPassing.set(false);
        }
        if (!notices.isEmpty()) {
            passNoticesSoon(); // one came after the last poll, before the flag was cleared
        }
    }

    private void countSlow(RosterFeed.SlowReason reason) {
        (reason == RosterFeed.SlowReason.STALLED ? stalled : overBound).increment();
    }

    private static Counter closedCounter(MeterRegistry metrics, String reason) {
        return Counter.builder("switchboard.roster.streams.closed.slow").tag("reason", reason)
                .description("roster streams closed with 1008 because the reader was too slow").register(metrics);
    }

    private static Counter ringClosedCounter(MeterRegistry metrics, String reason) {
        return Counter.builder("switchboard.ring.streams.closed.slow").tag("reason", reason)
                .description("ring streams closed with 1008 because the reader was too slow").register(metrics);
    }

    private static Counter refusedCounter(MeterRegistry metrics, String limit) {
        return Counter.builder("switchboard.roster.streams.refused").tag("limit", limit)
                .description("roster streams refused with 429 before the upgrade").register(metrics);
    }

    /** Stops listening; fan-out passes already started (e.g. the ended calls' last messages) get two seconds to finish. */
    @Override
    public void close() {
        closed = true;
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        synchronized (this) {
            if (levelsTimer != null) {
                levelsTimer.shutdownNow();
            }
        }
        if (ownFanOut != null) {
            ownFanOut.shutdown();
            try {
                ownFanOut.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
