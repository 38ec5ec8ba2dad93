package dev.switchboard.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The calls' delivery chains: the state machine of one POST (attempt → answer → deliver, retry, redirect or give
 * up), run for each call in order. Its states hand over to each other through private methods; reading them in one
 * place is what makes "ordered, at least once, nothing lost silently" checkable ({@link DeliveryLedger} counts).
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
 *
 * <p><b>Address.</b> Each attempt (and each redirect hop) is checked by {@link CallbackUriPolicy}, and an
 * {@code http} attempt connects to an address that check resolved and passed, with the name in {@code Host}: the
 * name is looked up once per attempt, so DNS cannot change between the check and the connection
 * ({@link PinnedTarget}); an {@code https} one also keeps SNI and the certificate check on the name
 * ({@link CallbackClients}).
 *
 * <p>Thread-safe; threads (notifier chains, timer) and what they own: docs/concurrency.md.
 */
final class DeliveryChains {
    /** The notifier's logger, so that operators' filters on {@code WebhookNotifier} still see the chains' lines. */
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    /** A POST carries more than one notification only while their items fit in this many bytes. */
    static final long MAX_BATCH_BYTES = 1024 * 1024;

    private final NotifierSettings settings;
    private final CallbackCredentials credentials;
    private final CallbackUriPolicy policy;
    private final RetryTiming timing;
    private final CallbackClients clients;
    private final ScheduledExecutorService timer;
    private final ConcurrentHashMap<String, CallQueue> calls;
    private final DeliveryLedger ledger;
    private final boolean hostHeaderAllowed;
    /** One virtual thread per active delivery chain (a call with something to deliver). */
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("notify-chain-", 0).factory());
    private final SettledActions settled;
    /** Answers are complete with their headers; their bodies are discarded in the background, bounded. */
    private final AnswerBody answerBody;
    private volatile boolean stopped;
    private volatile SequenceStore sequences = SequenceStore.LOCAL;

    /**
     * @param calls             the notifier's live call queues (a retired one is removed here when its chain ends)
     * @param hostHeaderAllowed whether an {@code http} attempt may be pinned ({@link PinnedTarget#hostHeaderAllowed()})
     */
    DeliveryChains(NotifierSettings settings, CallbackCredentials credentials, CallbackUriPolicy policy, CallbackClients clients,
                   ScheduledExecutorService timer, ConcurrentHashMap<String, CallQueue> calls, DeliveryLedger ledger,
                   boolean hostHeaderAllowed) {
        this.settings = settings;
        this.credentials = credentials;
        this.policy = policy;
        this.timing = new RetryTiming(settings.firstRetryDelay(), settings.maxRetryDelay(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.clients = clients;
        this.timer = timer;
        this.calls = calls;
        this.ledger = ledger;
        this.hostHeaderAllowed = hostHeaderAllowed;
        this.settled = new SettledActions(calls, () -> stopped);
        this.answerBody = new AnswerBody(timer, settings.requestTimeout());
    }

    SequenceStore sequences() {
        return sequences;
    }

    void sequences(SequenceStore store) {
        this.sequences = store;
    }

    /** Whether {@link #stop()} ran: nothing delivers any more. */
    boolean stopped() {
        return stopped;
    }

    /** Ends delivery: chains stop at their next step, no retry is scheduled, no settled action runs. */
    void stop() {
        stopped = true;
    }

    /** Interrupts a chain still waiting for an answer; it ends at once (after {@link #stop()}). */
    void shutdownNow() {
        threads.shutdownNow();
    }

    /** Runs {@code action} once the call has nothing left to deliver ({@link SettledActions}). */
    void whenSettled(String callId, Runnable action) {
        settled.add(callId, action);
    }

    /** Runs the call's delivery chain on a new virtual thread; nothing after {@link #shutdownNow()}. */
    void startChain(CallQueue q) {
        try {
            threads.execute(() -> runChain(q));
        } catch (RejectedExecutionException e) {
            // only after close: close() gives up everything undelivered
        }
    }

    /** One call's chain: its POSTs one after another until nothing waits or a retry is scheduled. */
    private void runChain(CallQueue q) {
        while (pump(q)) {
            if (stopped) {
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
            ledger.dropped(p, null, "ttl_expired", "time to live reached before the first attempt");
        }
        if (d == null) {
            if (q.isRetired()) {
                calls.remove(q.callId, q);
            }
            ledger.signalIfDrained();
            settled.run(q.callId);
            return false;
        }
        if (System.nanoTime() - d.deadlineNanos >= 0) {
            return giveUp(q, d, "ttl_expired", "time to live reached");
        }
        try {
            d.reserveSequence(sequences);
        } catch (RuntimeException e) {
            log.warn("sequence store failed callId={} sequence={} error={}", q.callId, d.sequence, e.toString());
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
            ledger.dropped(p, d, "render_failed", "the notification could not be rendered");
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
            request = CallbackRequest.of(connect, settings.requestTimeout(), token, d, signature, body);
        } catch (IllegalArgumentException e) {
            return giveUp(q, d, "bad_redirect", "unusable callback URI");
        }
        d.attempts++;
        long sentAt = System.nanoTime();
        HttpResponse<Void> response = null;
        Exception error = null;
        try {
            response = clients.forAttempt(connect, target.getHost()).send(request, answerBody);
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
        if (stopped) {
            return false; // close() has already given up everything that was undelivered
        }
        if (error != null) {
            return retryLater(q, d, error instanceof HttpTimeoutException ? "timeout" : "network", -1, error.toString());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (q.finish(d, true)) {
                ledger.delivered(d);
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
        ledger.redirected();
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
        ledger.retrying(d, reason, detail, delay);
        if (log.isDebugEnabled()) {
            log.debug("notification retry callId={} notificationId={} sequence={} attempt={} reason={} delayMs={}",
                    q.callId, d.id, d.sequence, d.attempts, reason, TimeUnit.NANOSECONDS.toMillis(delay));
        }
        if (!stopped) {
            timer.schedule(() -> startChain(q), delay, TimeUnit.NANOSECONDS);
        }
        return false;
    }

    /** Gives {@code d} up; true when the chain goes on with the next POST, false when shutdown dropped it already. */
    private boolean giveUp(CallQueue q, Delivery d, String reason, String detail) {
        if (!q.finish(d, false)) {
            return false;
        }
        ledger.gaveUp(d, reason, detail);
        return true;
    }

    private static String hostOf(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }
}
