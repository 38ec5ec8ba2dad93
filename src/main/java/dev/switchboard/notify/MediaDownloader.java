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
 * (refused as soon as it passes) and the whole download to {@code timeout}. Thread-safe; {@link #get} blocks the
 * calling thread (a worker, never a request or mixer thread).
 */
public final class MediaDownloader implements AutoCloseable {
    private final CallbackUriPolicy policy;
    private final long maxBytes;
    private final Duration timeout;
    private final CallbackClients clients;
    private final boolean hostHeaderAllowed = PinnedTarget.hostHeaderAllowed();

    public MediaDownloader(CallbackUriPolicy policy, long maxBytes, Duration timeout, Executor executor) {
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
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
        CallbackUriPolicy.Verdict verdict = policy.evaluate(uri);
        if (!verdict.isAllowed()) {
            throw refuse(uri, verdict.message().replace("callbackUri", "the media URI"));
        }
        PinnedTarget connect = hostHeaderAllowed && !verdict.addresses().isEmpty()
                ? PinnedTarget.of(uri, verdict.addresses().getFirst()) : PinnedTarget.unpinned(uri);
        HttpRequest.Builder builder = HttpRequest.newBuilder(connect.connectUri()).timeout(timeout).GET()
                .header("Accept", "audio/wav, audio/x-wav, */*");
        if (connect.pinned()) {
            builder.header("Host", connect.hostHeader());
        }
        CompletableFuture<HttpResponse<byte[]>> sent = clients.forAttempt(connect, uri.getHost())
                .sendAsync(builder.build(), info -> info.statusCode() == 200 ? new LimitedBody(maxBytes)
                        : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw refuse(uri, "it was not downloaded within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse(uri, "the download was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause.getCause() != null && !(cause instanceof TooLarge)) {
                cause = cause.getCause();
            }
            throw refuse(uri, cause instanceof TooLarge ? cause.getMessage()
                    : "it could not be downloaded (" + cause.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() != 200) {
            throw refuse(uri, "its server answered " + response.statusCode());
        }
        return response.body();
    }

    private static SwitchboardException refuse(URI uri, String why) {
        return SwitchboardException.badRequest("The media at '" + uri + "' cannot be used: " + why + ".");
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

    /** Collects a body up to a limit; past it the download is cancelled and the body fails with {@link TooLarge}. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(long max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge("it is larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
