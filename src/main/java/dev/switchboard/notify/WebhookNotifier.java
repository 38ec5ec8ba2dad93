package dev.switchboard.notify;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers notifications to bots' callback URIs: signed, ordered per call, at least once, bounded in memory.
 *
 * <p><b>Wire.</b> A POST body is {@code {"@odata.type":"#microsoft.graph.commsNotifications","value":[item…]}} with
 * one or more consecutive notifications of one call (more than one only when they queued up behind that call's
 * previous POST, at most {@code maxBatchSize}), {@code Content-Type: application/json}, {@code Authorization:
 * Bearer <token>} (one Graph-shaped token per bot, reused until half its life is over: {@link CallbackCredentials}),
 * {@code X-Switchboard-Signature} (HMAC of id, sequence and body under the bot's key: {@link NotificationSignature}),
 * {@code X-Switchboard-Notification-Id} (a UUID per POST, the same on every retry of it) and
 * {@code X-Switchboard-Sequence} (per call 1, 2, 3…, +1 per new POST; a POST is frozen when first attempted, so
 * a retry resends exactly the same body, and rosters coalesced away before that leave no gap).
 *
 * <p><b>Order and concurrency.</b> Each call has a serial {@link CallQueue}: one POST in flight at a time, in
 * enqueue order. While a call has something to deliver, one virtual thread ({@code notify-chain-N}) runs its chain:
 * it freezes, signs and sends each POST with the client's blocking {@code send} and handles the answer, then takes
 * the call's next POST, and ends when nothing waits (or a retry is scheduled: the timer starts a new chain). Calls
 * proceed in parallel; a slow bot parks only its call's virtual thread, no platform thread. The HTTP client's own
 * work (reading answers its selector thread hands over) runs on a fixed pool of {@code workerThreads}. Issue 17: the
 * asynchronous {@code sendAsync} chain crossed threads about six times per POST (worker → client executor → the
 * JDK's common pool → worker → worker), the blocking send on a virtual thread crosses about three times.
 *
 * <p><b>Outcomes.</b> 2xx: delivered. Network error, timeout, 408, 429, 5xx, unresolvable host: retried with
 * exponential backoff and jitter ({@link RetryTiming}); a {@code Retry-After} on 429/503 wins. 301/302/307/308:
 * the same POST goes to {@code Location} (checked by {@link CallbackUriPolicy}), and the call's later
 * notifications go there too. Any other status, an SSRF refusal at send time, or reaching the TTL: given up.
 * Every give-up is counted ({@link NotifyMetrics}) and logged with callId and notificationId.
 *
 * <p><b>Address.</b> Each attempt (and each redirect hop) is checked by {@link CallbackUriPolicy}, and an
 * {@code http} attempt connects to an address that check resolved and passed, with the name in {@code Host}: the
 * name is looked up once per attempt, so DNS cannot change between the check and the connection
 * ({@link PinnedTarget}); an {@code https} one also keeps SNI and the certificate check on the name
 * ({@link CallbackClients}).
 *
 * <p><b>Memory.</b> See {@link CallQueue#offer} for what happens at the per-call and global limits.
 *
 * <p>Thread-safe. {@link #enqueue} never blocks on I/O. Threads (notifier chains, workers, timer) and what they own:
 * docs/concurrency.md.
 *
 * <p>Why this class is longer than ~300 lines: it is the delivery state machine of one POST (attempt → answer →
 * deliver, retry, redirect or give up) plus its shutdown drain; the states hand over to each other through private
 * methods that share the executor, the HTTP client and the counters, and reading them in one place is what makes
 * "ordered, at least once, nothing lost silently" checkable. The per-call queue ({@link CallQueue}), one POST
 * ({@link Delivery}), the backoff ({@link RetryTiming}) and the destination rules ({@link CallbackUriPolicy}) are
 * already their own classes.
 */
public final class WebhookNotifier implements NotificationSink, AutoCloseable {
    public static final String NOTIFICATION_ID_HEADER = "X-Switchboard-Notification-Id";
    public static final String SEQUENCE_HEADER = "X-Switchboard-Sequence";
    static final String ENVELOPE_TYPE = "#microsoft.graph.commsNotifications";
    private static final long IDLE_CALL_RETENTION_NANOS = TimeUnit.HOURS.toNanos(24);
    /** A POST carries more than one notification only while their items fit in this many bytes. */
    static final long MAX_BATCH_BYTES = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    /** Each kind's name as a report shows it (lowercase), made once rather than per report. */
    private static final String[] KIND_NAMES = java.util.Arrays.stream(NotificationKind.values())
            .map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);

    private final NotifierSettings settings;
    private final CallbackCredentials credentials;
    private final CallbackUriPolicy policy;
    private final RetryTiming timing;
    private final NotifyMetrics metrics;
    private final ThreadPoolExecutor workers;
    /** One virtual thread per active delivery chain (a call with something to deliver). */
    private final ExecutorService chains = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("notify-chain-", 0).factory());
    private final ScheduledExecutorService timer;
    private final CallbackClients clients;
    private final ConcurrentHashMap<String, CallQueue> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Runnable> settledActions = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Object drained = new Object();
    private volatile boolean closed;
    private volatile boolean closedHard;
    private final boolean hostHeaderAllowed;
    private volatile DeliveryObserver observer = DeliveryObserver.NONE;
    private volatile SequenceStore sequences = SequenceStore.LOCAL;

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
        this.policy = Objects.requireNonNull(policy, "policy");
        this.timing = new RetryTiming(settings.firstRetryDelay(), settings.maxRetryDelay(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.metrics = new NotifyMetrics(meters, pending::get, calls::size);
        AtomicInteger threadNo = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "notify-worker-" + threadNo.incrementAndGet()),
                new ThreadPoolExecutor.DiscardPolicy()); // rejects only after close, when nothing may run any more
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "notify-timer"));
        this.clients = new CallbackClients(Objects.requireNonNull(tls, "tls"), settings.connectTimeout(), workers);
        timer.scheduleWithFixedDelay(this::sweepIdleCalls, 1, 1, TimeUnit.MINUTES);
        this.hostHeaderAllowed = PinnedTarget.hostHeaderAllowed();
        if (!hostHeaderAllowed) {
            log.error("callback connections are not pinned to the checked address (DNS rebinding is possible): this JVM"
                    + " made an HTTP client before {}=host was set; set it on the command line", PinnedTarget.RESTRICTED_HEADERS_PROPERTY);
        }
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
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Sets where calls' sequence numbers are kept beyond this process ({@link SequenceStore#LOCAL} by default; cluster
     * mode's store lets a survivor continue a dead node's numbering). Set it once when wiring, before calls exist.
     */
    public void sequences(SequenceStore store) {
        this.sequences = Objects.requireNonNull(store, "store");
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
            giveUpUnqueued(p, "closed", "the notifier is shut down");
            return;
        }
        while (true) {
            CallQueue q = calls.computeIfAbsent(n.callId(), id -> new CallQueue(id, System.nanoTime(), sequences.firstSequence(id)));
            CallQueue.Offer offer = q.offer(p, settings.perCallQueueLimit(), pending, settings.globalQueueLimit());
            switch (offer.outcome()) {
                case RETIRED -> {
                    calls.remove(n.callId(), q);
                    if (closedHard) {
                        giveUpUnqueued(p, "closed", "the notifier is shut down");
                        return;
                    }
                    continue;
                }
                case COALESCED -> metrics.coalesced();
                case EVICTED_OLDEST -> giveUpUnqueued(offer.dropped(), offer.dropReason(), "evicted by a newer notification");
                case REFUSED -> giveUpUnqueued(p, offer.dropReason(), "queue full, nothing older to evict");
                case QUEUED -> { }
            }
            if (closedHard) {
                dropAll(q); // raced with close(): nothing will deliver it any more
            } else if (offer.startChain()) {
                startChain(q);
            }
            return;
        }
    }

    @Override
    public void whenSettled(String callId, Runnable action) {
        Objects.requireNonNull(action, "action");
        settledActions.merge(callId, action, (first, then) -> () -> {
            first.run();
            then.run();
        });
        CallQueue q = calls.get(callId);
        if (q == null || q.isIdle()) { // else the chain's end runs it; whichever removes it first runs it, once
            runSettledAction(callId);
        }
    }

    private void runSettledAction(String callId) {
        Runnable action = settledActions.remove(callId);
        if (action != null && !closedHard) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("action after the call's notifications settled failed callId={} error={}", callId, e.toString());
            }
        }
    }

    /** Runs the call's delivery chain on a new virtual thread; nothing after {@link #close()} (it drops what is left). */
    private void startChain(CallQueue q) {
        try {
            chains.execute(() -> runChain(q));
        } catch (RejectedExecutionException e) {
            // only after close: close() gives up everything undelivered
        }
    }

    /** One call's chain: its POSTs one after another until nothing waits or a retry is scheduled. */
    private void runChain(CallQueue q) {
        while (pump(q)) {
            if (closedHard) {
                return;
            }
        }
    }

    /**
     * Delivers the call's current POST, if any. Runs on the call's chain thread; one chain per call at a time.
     *
     * @return true when that POST settled (delivered or given up) and the chain goes on with the next; false when the
     *         chain ends here (nothing waits, a retry is scheduled, or shutdown)
     */
    private boolean pump(CallQueue q) {
        List<Pending> expired = new ArrayList<>(0);
        Delivery d = q.nextDelivery(settings.effectiveBatchSize(), MAX_BATCH_BYTES, System.nanoTime(), expired);
        for (Pending p : expired) {
            pending.decrementAndGet();
            logGiveUp(p, null, "ttl_expired", "time to live reached before the first attempt");
        }
        if (d == null) {
            if (q.isRetired()) {
                calls.remove(q.callId, q);
            }
            signalIfDrained();
            runSettledAction(q.callId);
            return false;
        }
        if (System.nanoTime() - d.deadlineNanos >= 0) {
            return giveUp(q, d, "ttl_expired", "time to live reached");
        }
        if (!d.reserved) {
            d.reserved = true;
            try {
                sequences.reserve(q.callId, d.sequence);
            } catch (RuntimeException e) {
                log.warn("sequence store failed callId={} sequence={} error={}", q.callId, d.sequence, e.toString());
            }
        }
        return attempt(q, d, q.targetFor(d.callbackUri()), 0, null);
    }

    /**
     * One POST of {@code d} to {@code target}, waiting for the answer (on the chain's virtual thread); {@code token} is
     * reused across the redirect hops of one attempt.
     *
     * @return as {@link #pump}: whether {@code d} settled and the chain goes on
     */
    private boolean attempt(CallQueue q, Delivery d, URI target, int hops, String token) {
        CallbackUriPolicy.Verdict verdict = policy.evaluate(target);
        if (verdict.kind() == CallbackUriPolicy.Verdict.Kind.REFUSED) {
            return giveUp(q, d, "ssrf_refused", verdict.message());
        }
        if (verdict.kind() == CallbackUriPolicy.Verdict.Kind.UNRESOLVED) {
            return retryLater(q, d, "dns", -1, verdict.message());
        }
        PinnedTarget connect = hostHeaderAllowed && !verdict.addresses().isEmpty()
                ? PinnedTarget.of(target, verdict.addresses().getFirst()) : PinnedTarget.unpinned(target);
        byte[] body;
        try {
            body = d.body(); // a roster rendered lazily is rendered here, on the chain's thread (NotificationItem)
        } catch (RuntimeException e) {
            log.error("notification not rendered callId={} notificationId={}", q.callId, d.id, e);
            return giveUp(q, d, "render_failed", "the notification could not be rendered");
        }
        for (Pending p : d.takeUnrenderable()) { // left out of a POST of several; the others go
            pending.decrementAndGet();
            logGiveUp(p, d, "render_failed", "the notification could not be rendered");
        }
        String signature;
        try {
            if (token == null) {
                token = credentials.token(d.first().tenantId, d.first().botAppId);
            }
            signature = d.signature(credentials);
        } catch (RuntimeException e) {
            log.warn("notification signing failed callId={} notificationId={} error={}", q.callId, d.id, e.toString());
            return retryLater(q, d, "signing", -1, "signing failed");
        }
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(connect.connectUri());
            if (connect.pinned()) {
                builder.header("Host", connect.hostHeader());
            }
            request = builder
                    .timeout(settings.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .header(NOTIFICATION_ID_HEADER, d.id)
                    .header(SEQUENCE_HEADER, Long.toString(d.sequence))
                    .header(NotificationSignature.HEADER, signature)
                    .POST(new SharedBodyPublisher(body)) // no copy of the frozen body (issue 17)
                    .build();
        } catch (IllegalArgumentException e) {
            return giveUp(q, d, "bad_redirect", "unusable callback URI");
        }
        d.attempts++;
        long sentAt = System.nanoTime();
        HttpResponse<Void> response = null;
        Exception error = null;
        try {
            response = clients.forAttempt(connect, target.getHost()).send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close(): the answer below ends the chain
            error = e;
        } catch (IOException | RuntimeException e) {
            error = e;
        }
        d.lastLatencyNanos = System.nanoTime() - sentAt;
        d.lastStatus = response == null ? -1 : response.statusCode();
        return onResponse(q, d, target, hops, token, response, error);
    }

    private boolean onResponse(CallQueue q, Delivery d, URI target, int hops, String token,
                               HttpResponse<Void> response, Exception error) {
        if (closedHard) {
            return false; // close() has already given up everything that was undelivered
        }
        if (error != null) {
            return retryLater(q, d, error instanceof HttpTimeoutException ? "timeout" : "network", -1, error.toString());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (q.finish(d, true)) {
                long now = System.nanoTime();
                for (Pending p : d.items) {
                    pending.decrementAndGet();
                    metrics.delivered(now - p.enqueuedNanos);
                }
                metrics.posted(d.items.size());
                report(d, DeliveryReport.State.DELIVERED, null, null);
            }
            return true;
        } else if (status == 301 || status == 302 || status == 307 || status == 308) {
            return followRedirect(q, d, target, hops, token, response);
        } else if (status == 408 || status == 429 || status >= 500) {
            long retryAfter = status == 429 || status == 503
                    ? RetryTiming.retryAfterNanos(response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                    : -1;
            return retryLater(q, d, status >= 500 ? "status_5xx" : "status_" + status, retryAfter, "status " + status);
        } else if (status >= 400) {
            return giveUp(q, d, "rejected_4xx", "status " + status);
        } else {
            return giveUp(q, d, "unexpected_status", "status " + status);
        }
    }

    private boolean followRedirect(CallQueue q, Delivery d, URI from, int hops, String token, HttpResponse<Void> response) {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null || location.isBlank()) {
            return giveUp(q, d, "bad_redirect", "status " + response.statusCode() + " without Location");
        }
        if (hops >= settings.maxRedirects()) {
            return giveUp(q, d, "redirect_limit", "more than " + settings.maxRedirects() + " redirects");
        }
        URI to;
        try {
            to = from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return giveUp(q, d, "bad_redirect", "unreadable Location");
        }
        CallbackUriPolicy.Verdict verdict = policy.evaluate(to);
        if (verdict.kind() == CallbackUriPolicy.Verdict.Kind.REFUSED) {
            return giveUp(q, d, "ssrf_refused", "redirect refused: " + verdict.message()); // and the call does not stick to it
        }
        metrics.redirected();
        q.redirect(d.callbackUri(), to);
        log.info("callback redirected callId={} notificationId={} status={} fromHost={} toHost={}",
                q.callId, d.id, response.statusCode(), hostOf(from), hostOf(to));
        return attempt(q, d, to, hops + 1, token);
    }

    /** Schedules the next attempt of {@code d} (a new chain, from the timer); false: this chain ends here. */
    private boolean retryLater(CallQueue q, Delivery d, String reason, long retryAfterNanos, String detail) {
        int failures = q.failed();
        long delay = timing.nextDelayNanos(failures, retryAfterNanos, System.nanoTime(), d.deadlineNanos);
        if (delay < 0) {
            return giveUp(q, d, "ttl_expired", "last failure: " + detail);
        }
        metrics.retry(reason);
        report(d, DeliveryReport.State.RETRYING, detail, Instant.now().plusNanos(delay));
        if (log.isDebugEnabled()) {
            log.debug("notification retry callId={} notificationId={} sequence={} attempt={} reason={} delayMs={}",
                    q.callId, d.id, d.sequence, d.attempts, reason, TimeUnit.NANOSECONDS.toMillis(delay));
        }
        if (!closedHard) {
            timer.schedule(() -> startChain(q), delay, TimeUnit.NANOSECONDS);
        }
        return false;
    }

    /** Gives {@code d} up; true when the chain goes on with the next POST, false when shutdown dropped it already. */
    private boolean giveUp(CallQueue q, Delivery d, String reason, String detail) {
        if (!q.finish(d, false)) {
            return false;
        }
        for (Pending p : d.items) {
            pending.decrementAndGet();
            logGiveUp(p, d, reason, detail);
        }
        report(d, DeliveryReport.State.GAVE_UP, reason + ": " + detail, null);
        return true;
    }

    /** Tells the observer, if any, how {@code d} stands; never lets it disturb delivery. */
    private void report(Delivery d, DeliveryReport.State state, String error, Instant next) {
        DeliveryObserver o = observer;
        if (o == DeliveryObserver.NONE) {
            return;
        }
        List<String> kinds = new ArrayList<>(d.items.size());
        for (Pending p : d.items) {
            kinds.add(KIND_NAMES[p.kind.ordinal()]);
        }
        try {
            o.observe(new DeliveryReport(d.callId(), d.id, d.sequence, kinds, state, d.attempts, d.lastStatus,
                    d.lastLatencyNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(d.lastLatencyNanos), next, error,
                    Instant.now(), d.bodyForReport()));
        } catch (RuntimeException e) {
            log.warn("delivery observer failed callId={} notificationId={}", d.callId(), d.id, e);
        }
    }

    private void giveUpUnqueued(Pending p, String reason, String detail) {
        logGiveUp(p, null, reason, detail);
    }

    /** Counts and logs one notification that will never be delivered; {@code d} is its POST, null if never attempted. */
    private void logGiveUp(Pending p, Delivery d, String reason, String detail) {
        metrics.giveUp(reason);
        log.warn("notification given up callId={} notificationId={} sequence={} kind={} resourceUrl={} reason={} attempts={} detail=\"{}\"",
                p.callId, d == null ? "-" : d.id, d == null ? "-" : d.sequence, p.kind, p.resourceUrl, reason,
                d == null ? 0 : d.attempts, detail);
    }

    private void signalIfDrained() {
        if (closed && pending.get() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    private void dropAll(CallQueue q) {
        for (Pending p : q.drainAll()) {
            pending.decrementAndGet();
            logGiveUp(p, null, "shutdown", "undelivered when the drain timeout ended");
        }
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

    private static String hostOf(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    /** Undelivered notifications over all calls. */
    int queueDepth() {
        return pending.get();
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
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        synchronized (drained) {
            long left;
            while (pending.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closedHard = true;
        for (CallQueue q : List.copyOf(calls.values())) {
            dropAll(q);
        }
        calls.clear();
        timer.shutdownNow();
        clients.close();
        chains.shutdownNow(); // interrupts a chain still waiting for an answer; it ends at once (closedHard)
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
