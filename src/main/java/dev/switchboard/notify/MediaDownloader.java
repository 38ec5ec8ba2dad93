package dev.switchboard.notify;

import dev.switchboard.error.SwitchboardException;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads a bot's media file (a prompt's {@code mediaInfo.uri}) under the same request-forgery rules as callbacks:
 * the URI must pass {@link CallbackUriPolicy}, the connection goes to the address the policy just checked
 * ({@link PinnedTarget}, no second DNS lookup), redirects are not followed, the body is bounded to {@code maxBytes}
 * (refused as soon as it passes) and the whole download to {@code timeout}. A body with a {@code Content-Length} is
 * read into one array of that size; one without is kept in pieces and joined at the end. At most
 * {@link DownloadSlots#limit()} downloads are in flight at once (connecting or reading, each with its socket); one
 * more waits for a slot before it connects, and that wait counts against its {@code timeout}. Thread-safe;
 * {@link #get} blocks the calling thread (a worker, never a request or mixer thread).
 */
public final class MediaDownloader implements AutoCloseable {
    private final CallbackUriPolicy policy;
    private final long maxBytes;
    private final Duration timeout;
    private final CallbackClients clients;
    private final DownloadSlots slots;
    private final boolean hostHeaderAllowed = PinnedTarget.hostHeaderAllowed();

    /** @param slots the server's bound on downloads in flight (shared by every download this downloader makes) */
    public MediaDownloader(CallbackUriPolicy policy, long maxBytes, Duration timeout, DownloadSlots slots,
                           Executor executor) {
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.slots = slots;
        try {
            this.clients = new CallbackClients(SSLContext.getDefault(), timeout, executor);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS", e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The body of {@code uri}.
     *
     * @throws SwitchboardException BAD_REQUEST naming why: refused address, not http(s), no answer in time, a status
     *                              other than 200, a body over the limit
     */
    public byte[] get(URI uri) {
        return get(uri, bytes -> { });
    }

    /**
     * The body of {@code uri}; {@code hold} is told the size of every array the download keeps, before it is made
     * (the whole body once when its length is announced, else each piece and then the joined body). It may throw to
     * refuse: the download stops and that exception is thrown here as it is. Nothing is told for a refused
     * address, a status other than 200 or a body over the limit before it is read.
     *
     * @throws SwitchboardException BAD_REQUEST naming why: refused address, not http(s), no answer in time, a status
     *                              other than 200, a body over the limit; or what {@code hold} threw
     */
    public byte[] get(URI uri, java.util.function.LongConsumer hold) {
        return get(DownloadSlots.NO_TENANT, uri, hold);
    }

    /**
     * As {@link #get(URI, java.util.function.LongConsumer)}, for a download of {@code tenantId}: while downloads wait
     * for a slot, a freed slot goes to the tenant holding the fewest ({@link DownloadSlots}).
     */
    public byte[] get(String tenantId, URI uri, java.util.function.LongConsumer hold) {
        CallbackUriPolicy.Verdict verdict = policy.evaluate(uri);
        if (!verdict.isAllowed()) {
            throw refuse(uri, mediaRefusal(verdict.message()));
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) { // again when its slot was taken back for another tenant (DownloadSlots)
            DownloadSlots.Slot slot = slot(tenantId, uri, deadline);
            long waited = System.nanoTime() - start;
            try {
                return download(uri, verdict, hold, waited, deadline, slot);
            } catch (java.util.concurrent.CancellationException taken) {
                if (!slot.revoked()) {
                    throw refuse(uri, "the download was interrupted");
                }
            } finally {
                slots.release(slot);
            }
        }
    }

    /** A download slot by {@code deadline}. @throws SwitchboardException BAD_REQUEST when none came free in time */
    private DownloadSlots.Slot slot(String tenantId, URI uri, long deadline) {
        try {
            DownloadSlots.Slot slot = slots.acquireSlot(tenantId, deadline);
            if (slot == null) {
                throw refuse(uri, "it was not downloaded within " + timeout.toSeconds() + " s: it waited all that time"
                        + " for a download slot (the server downloads at most " + slots.limit() + " media files at once)");
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse(uri, "the download was interrupted");
        }
    }

    /**
     * The download itself, holding {@code slot}: connect, send, read, all by {@code deadline}.
     *
     * @throws java.util.concurrent.CancellationException when the slot was taken back before the server answered
     */
    private byte[] download(URI uri, CallbackUriPolicy.Verdict verdict, java.util.function.LongConsumer hold,
                            long waited, long deadline, DownloadSlots.Slot slot) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw notInTime(uri, waited);
        }
        PinnedTarget connect = hostHeaderAllowed && !verdict.addresses().isEmpty()
                ? PinnedTarget.of(uri, verdict.addresses().getFirst()) : PinnedTarget.unpinned(uri);
        HttpRequest.Builder builder = HttpRequest.newBuilder(connect.connectUri()).timeout(Duration.ofNanos(left)).GET()
                .header("Accept", "audio/wav, audio/x-wav, */*");
        if (connect.pinned()) {
            builder.header("Host", connect.hostHeader());
        }
        CompletableFuture<HttpResponse<byte[]>> sent = clients.forAttempt(connect, uri.getHost())
                .sendAsync(builder.build(), info -> {
                    slot.answered();
                    return info.statusCode() == 200
                            ? new LimitedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1), hold)
                            : HttpResponse.BodySubscribers.replacing(null);
                });
        slot.cancelWith(() -> sent.cancel(true));
        HttpResponse<byte[]> response;
        try {
            response = sent.get(left, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.CancellationException e) {
            throw e; // its slot was taken back: get() queues it again
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw notInTime(uri, waited);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw refuse(uri, "the download was interrupted");
        } catch (ExecutionException e) {
            if (slot.revoked()) { // the client may fail the exchange it was told to cancel
                throw new java.util.concurrent.CancellationException("download slot taken back");
            }
            Throwable cause = e.getCause();
            while (cause.getCause() != null && !(cause instanceof TooLarge) && !(cause instanceof SwitchboardException)) {
                cause = cause.getCause();
            }
            if (cause instanceof SwitchboardException refused) {
                throw refused;
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw notInTime(uri, waited);
            }
            throw refuse(uri, cause instanceof TooLarge ? cause.getMessage()
                    : "it could not be downloaded (" + cause.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() != 200) {
            throw refuse(uri, "its server answered " + response.statusCode() + redirect(response));
        }
        return response.body();
    }

    /** For a 3xx: where it pointed and that redirects are not followed (a CDN's redirect puzzles a bot otherwise). */
    private static String redirect(HttpResponse<?> response) {
        int status = response.statusCode();
        if (status < 300 || status > 399) {
            return "";
        }
        String to = response.headers().firstValue("Location")
                .map(l -> ", a redirect to '" + shown(l) + "'")
                .orElse(", a redirect");
        return to + "; redirects are not followed: give the media's final URL";
    }

    /** The deadline passed after the slot was taken; says how much of it went waiting for the slot when that was some. */
    private SwitchboardException notInTime(URI uri, long waitedNanos) {
        String why = "it was not downloaded within " + timeout.toSeconds() + " s";
        if (waitedNanos >= TimeUnit.MILLISECONDS.toNanos(100)) {
            why += String.format(java.util.Locale.ROOT, " (%.1f s of them waiting for a download slot)", waitedNanos / 1e9);
        }
        return refuse(uri, why);
    }

    /** The address policy's refusal, which speaks of a callbackUri and notifications, said of a media URI. */
    private static String mediaRefusal(String callbackMessage) {
        return callbackMessage.replace("callbackUri", "the media URI")
                .replace("notifications are not sent to", "media is not fetched from")
                .replace("the server's notification settings", "--callback-allow");
    }

    private static SwitchboardException refuse(URI uri, String why) {
        String sentence = why.endsWith(".") ? why.substring(0, why.length() - 1) : why;
        return SwitchboardException.badRequest("The media at '" + shown(uri.toString()) + "' cannot be used: " + sentence + ".");
    }

    /**
     * A media URL as messages show it (the operation's resultInfo, the bot's notification, the dashboard): without its
     * user and password and with its query written {@code ?…}, for a prompt's URL often carries its credentials there
     * (a storage SAS token's {@code sig=}, a presigned URL's signature); at most 300 characters.
     */
    static String shown(String url) {
        String shown = url;
        int query = shown.indexOf('?');
        if (query >= 0) {
            shown = shown.substring(0, query) + "?…";
        }
        int scheme = shown.indexOf("://");
        int authorityEnd = scheme < 0 ? -1 : shown.indexOf('/', scheme + 3);
        int at = scheme < 0 ? -1 : shown.lastIndexOf('@', authorityEnd < 0 ? shown.length() : authorityEnd);
        if (at > scheme) {
            shown = shown.substring(0, scheme + 3) + "***" + shown.substring(at);
        }
        return shown.length() > 300 ? shown.substring(0, 300) + "…" : shown;
    }

    @Override
    public void close() {
        clients.close();
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Collects a body up to a limit; past it the download is cancelled and the body fails with {@link TooLarge}. With
     * a {@code Content-Length} the body goes straight into one array of that size (refused before reading if over
     * the limit); without, into pieces joined at the end.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final long announced;
        private final java.util.function.LongConsumer hold;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<byte[]> pieces = new java.util.ArrayList<>();
        private byte[] whole;
        private long received;
        private Flow.Subscription subscription;

        LimitedBody(long max, long announced, java.util.function.LongConsumer hold) {
            this.max = max;
            this.announced = announced;
            this.hold = hold;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            try {
                if (announced > max) {
                    throw tooLarge();
                }
                if (announced >= 0) {
                    hold.accept(announced);
                    whole = new byte[(int) announced];
                }
            } catch (RuntimeException e) {
                stop(e);
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    int n = b.remaining();
                    if (received + n > (whole != null ? whole.length : max)) {
                        throw tooLarge();
                    }
                    if (whole != null) {
                        b.get(whole, (int) received, n);
                    } else {
                        hold.accept(n);
                        byte[] piece = new byte[n];
                        b.get(piece);
                        pieces.add(piece);
                    }
                    received += n;
                }
            } catch (RuntimeException e) {
                stop(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            if (whole != null) {
                result.complete(received == whole.length ? whole : java.util.Arrays.copyOf(whole, (int) received));
                return;
            }
            try {
                hold.accept(received);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            byte[] body = new byte[(int) received];
            int at = 0;
            for (byte[] piece : pieces) {
                System.arraycopy(piece, 0, body, at, piece.length);
                at += piece.length;
            }
            pieces.clear();
            result.complete(body);
        }

        private TooLarge tooLarge() {
            return new TooLarge("it is larger than " + max + " bytes");
        }

        private void stop(RuntimeException e) {
            subscription.cancel();
            result.completeExceptionally(e);
        }
    }
}
