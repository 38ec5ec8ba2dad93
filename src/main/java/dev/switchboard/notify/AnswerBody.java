package dev.switchboard.notify;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a bot's answer to a notification POST carries after its status line: nothing the notifier needs. The status
 * decides the outcome, so the delivery goes on as soon as the headers are in, and the body is read and thrown away
 * in the background: at most {@value #MAX_BYTES} bytes and for at most the request timeout, after which the
 * connection is closed (a well-behaved bot's empty or short body lets it go back to the pool). Waiting for the body
 * instead would let a bot that answers {@code 200} and never ends its body hold its call's chain, and every later
 * notification of that call, for good. Thread-safe: the HTTP client calls the subscriber; the timer cancels it.
 */
final class AnswerBody implements HttpResponse.BodyHandler<Void> {
    /** More of a body than any acknowledgment needs: past it, the answer is cut off. */
    static final long MAX_BYTES = 64 * 1024;

    private final ScheduledExecutorService timer;
    private final Duration timeout;

    AnswerBody(ScheduledExecutorService timer, Duration timeout) {
        this.timer = timer;
        this.timeout = timeout;
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        if (info.headers().firstValueAsLong("content-length").orElse(-1) == 0) {
            return HttpResponse.BodySubscribers.replacing(null); // nothing to read: no deadline to keep
        }
        return new Discard();
    }

    private final class Discard implements HttpResponse.BodySubscriber<Void> {
        private Flow.Subscription subscription;
        private ScheduledFuture<?> deadline;
        private long bytes;

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null); // the answer is complete with its headers
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            deadline = timer.schedule(s::cancel, timeout.toNanos(), TimeUnit.NANOSECONDS);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                bytes += b.remaining();
            }
            if (bytes > MAX_BYTES) {
                end();
                subscription.cancel();
            }
        }

        @Override
        public synchronized void onError(Throwable error) {
            end();
        }

        @Override
        public synchronized void onComplete() {
            end();
        }

        private void end() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }
}
