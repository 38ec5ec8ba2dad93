package dev.switchboard.notify;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers notifications to bots' callback URIs: signed, ordered per call, at least once, bounded in memory.
 *
 * <p>What a bot receives (body and headers): {@link CallbackRequest}. How each call's POSTs go out in order, one at
 * a time on a virtual thread per call, and how every answer ends (delivered, retried, redirected, given up), with
 * the address each attempt connects to: {@link DeliveryChains}. Every give-up is counted ({@link NotifyMetrics}) and
 * logged with callId and notificationId ({@link DeliveryLedger}). This class owns the calls' queues, the threads
 * and shutdown.
 *
 * <p><b>Memory.</b> See {@link CallQueue#offer} for what happens at the per-call and global limits.
 *
 * <p>Thread-safe. {@link #enqueue} never blocks on I/O. Threads (notifier chains, workers, timer) and what they own:
 * docs/concurrency.md.
 */
public final class WebhookNotifier implements NotificationSink, AutoCloseable {
    public static final String NOTIFICATION_ID_HEADER = "X-Switchboard-Notification-Id";
    public static final String SEQUENCE_HEADER = "X-Switchboard-Sequence";
    static final String ENVELOPE_TYPE = "#microsoft.graph.commsNotifications";
    private static final long IDLE_CALL_RETENTION_NANOS = TimeUnit.HOURS.toNanos(24);
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final NotifierSettings settings;
    private final CallbackCredentials credentials;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final CallbackClients clients;
    private final ConcurrentHashMap<String, CallQueue> calls = new ConcurrentHashMap<>();
    private final DeliveryLedger ledger;
    private final DeliveryChains chains;
    private volatile boolean closed;

    public WebhookNotifier(NotifierSettings settings, CallbackTokenSigner signer, MeterRegistry meters) {
        this(settings, signer, meters, new CallbackUriPolicy(settings));
    }

    /** @param policy the destination rules applied before every attempt and redirect hop (the same the API checks) */
    public WebhookNotifier(NotifierSettings settings, CallbackTokenSigner signer, MeterRegistry meters, CallbackUriPolicy policy) {
        this(settings, signer, meters, policy, defaultTls());
    }

    /** @param tls the trust (and client keys, if any) for https callbacks; the JDK default in production */
    public WebhookNotifier(NotifierSettings settings, CallbackTokenSigner signer, MeterRegistry meters, CallbackUriPolicy policy,
                           javax.net.ssl.SSLContext tls) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentials = new CallbackCredentials(Objects.requireNonNull(signer, "signer"), java.time.Clock.systemUTC());
        Objects.requireNonNull(policy, "policy");
        this.ledger = new DeliveryLedger(meters, settings.globalQueueLimit(), calls::size);
        AtomicInteger threadNo = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "notify-worker-" + threadNo.incrementAndGet()),
                new ThreadPoolExecutor.DiscardPolicy()); // rejects only after close, when nothing may run any more
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> daemon(r, "notify-timer"));
        timer.setRemoveOnCancelPolicy(true); // an answer body's deadline is cancelled as soon as the body ends
        this.timer = timer;
        this.clients = new CallbackClients(Objects.requireNonNull(tls, "tls"), settings.connectTimeout(), workers);
        timer.scheduleWithFixedDelay(this::sweepIdleCalls, 1, 1, TimeUnit.MINUTES);
        boolean hostHeaderAllowed = PinnedTarget.hostHeaderAllowed();
        if (!hostHeaderAllowed) {
            log.error("callback connections are not pinned to the checked address (DNS rebinding is possible): this JVM"
                    + " made an HTTP client before {}=host was set; set it on the command line", PinnedTarget.RESTRICTED_HEADERS_PROPERTY);
        }
        this.chains = new DeliveryChains(settings, credentials, policy, clients, timer, calls, ledger, hostHeaderAllowed);
    }

    /**
     * Lets the JDK HTTP client send the {@code Host} header that pinning needs ({@link PinnedTarget}). Call before
     * anything in the JVM makes an HTTP client; the server does so when its class loads.
     */
    public static void allowPinnedHostHeader() {
        PinnedTarget.allowHostHeader();
    }

    /**
     * Sets who hears each POST's outcome (the dashboard's delivery history); {@link DeliveryObserver#NONE} by default.
     * Set it once when wiring, before calls exist.
     */
    public void observe(DeliveryObserver observer) {
        ledger.observe(Objects.requireNonNull(observer, "observer"));
    }

    /**
     * Sets where calls' sequence numbers are kept beyond this process ({@link SequenceStore#LOCAL} by default; cluster
     * mode's store lets a survivor continue a dead node's numbering). Set it once when wiring, before calls exist.
     */
    public void sequences(SequenceStore store) {
        chains.sequences(Objects.requireNonNull(store, "store"));
    }

    private static javax.net.ssl.SSLContext defaultTls() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context in this JVM", e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Queues {@code n} behind the call's earlier notifications and returns at once; never blocks on I/O. After
     * {@link #close()} the notification is given up (reason {@code closed}).
     *
     * @throws NullPointerException when a field of {@code n} is null
     */
    @Override
    public void enqueue(OutboundNotification n) {
        Objects.requireNonNull(n, "notification");
        Objects.requireNonNull(n.callId(), "callId");
        Objects.requireNonNull(n.tenantId(), "tenantId");
        Objects.requireNonNull(n.botAppId(), "botAppId");
        Objects.requireNonNull(n.callbackUri(), "callbackUri");
        Objects.requireNonNull(n.kind(), "kind");
        Objects.requireNonNull(n.item(), "item");
        Objects.requireNonNull(n.resourceUrl(), "resourceUrl");
        Pending p = Pending.freeze(n, System.nanoTime(), settings.ttl().toNanos());
        if (closed) {
            ledger.gaveUpUnqueued(p, "closed", "the notifier is shut down");
            return;
        }
        QueueBudget budget = ledger.pending();
        boolean placeTaken = false; // a place a larger tenant gave up for p, counted in the budget
        while (true) {
            CallQueue q = calls.computeIfAbsent(n.callId(),
                    id -> new CallQueue(id, System.nanoTime(), chains.sequences().firstSequence(id)));
            if (!placeTaken && budget.isSpent() && q.wouldTakePlace(p, settings.perCallQueueLimit())) {
                placeTaken = takePlaceFromLargerTenant(n.tenantId(), budget);
            }
            CallQueue.Offer offer = q.offer(p, settings.perCallQueueLimit(), budget, placeTaken);
            if (offer.outcome() == CallQueue.Offer.Outcome.RETIRED) {
                calls.remove(n.callId(), q);
                if (!chains.stopped()) {
                    continue; // a new queue for the call; a place taken stays p's
                }
            }
            if (placeTaken && offer.outcome() != CallQueue.Offer.Outcome.QUEUED) {
                budget.releaseUnused(); // p did not need it after all (or the notifier stopped)
                ledger.signalIfDrained();
            }
            switch (offer.outcome()) {
                case RETIRED -> {
                    ledger.gaveUpUnqueued(p, "closed", "the notifier is shut down");
                    return;
                }
                case COALESCED -> ledger.coalesced();
                case EVICTED_OLDEST -> ledger.gaveUpUnqueued(offer.dropped(), offer.dropReason(), "evicted by a newer notification");
                case REFUSED -> ledger.gaveUpUnqueued(p, offer.dropReason(), "queue full, nothing older to evict");
                case QUEUED -> { }
            }
            if (chains.stopped()) {
                ledger.dropAll(q); // raced with close(): nothing will deliver it any more
            } else if (q.isRetired()) {
                calls.remove(n.callId(), q); // the call's last notification was refused and nothing else waits
            } else if (offer.startChain()) {
                chains.startChain(q);
            }
            return;
        }
    }

    /**
     * The global budget is spent and {@code tenant} needs a place: when another tenant holds more (at least two more),
     * one waiting notification of that tenant gives its place up (a roster a newer one supersedes, else the oldest
     * waiting of one of its calls: give-up {@code global_queue_full}), so that a tenant whose bot takes nothing
     * cannot keep the others' notifications out. A tenant alone never finds a larger one: its own call evicts, as
     * {@link CallQueue#offer} says. Locks one call queue at a time, briefly.
     *
     * @return true when a place was freed and is now the caller's to pass on ({@link CallQueue#offer}) or free
     */
    private boolean takePlaceFromLargerTenant(String tenant, QueueBudget budget) {
        String larger = budget.largerThan(tenant);
        if (larger == null) {
            return false;
        }
        for (CallQueue other : calls.values()) {
            CallQueue.Yielded yielded = other.yieldPlace(larger, budget);
            if (yielded != null) {
                if (yielded.superseded()) {
                    ledger.coalesced();
                } else {
                    ledger.gaveUpUnqueued(yielded.pending(), "global_queue_full",
                            "evicted to make room for another tenant's notification: this tenant held the most of the server's "
                                    + settings.globalQueueLimit());
                }
                return true;
            }
        }
        return false;
    }

    @Override
    public void whenSettled(String callId, Runnable action) {
        Objects.requireNonNull(action, "action");
        chains.whenSettled(callId, action);
    }

    private void sweepIdleCalls() {
        credentials.sweep();
        long now = System.nanoTime();
        calls.forEach((id, q) -> {
            if (q.retireIfIdle(now, IDLE_CALL_RETENTION_NANOS)) {
                calls.remove(id, q);
            }
        });
    }

    /** Undelivered notifications over all calls. */
    int queueDepth() {
        return ledger.pending().total();
    }

    /**
     * Stops accepting, keeps delivering (retries included) for at most {@code drainTimeout}, then gives up what is
     * left (reason {@code shutdown}) and stops every thread. Idempotent; blocks the caller up to the drain timeout.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ledger.awaitDrained(System.nanoTime() + settings.drainTimeout().toNanos());
        chains.stop();
        for (CallQueue q : List.copyOf(calls.values())) {
            ledger.dropAll(q);
        }
        calls.clear();
        timer.shutdownNow();
        clients.close();
        chains.shutdownNow(); // interrupts a chain still waiting for an answer; it ends at once (stopped)
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
