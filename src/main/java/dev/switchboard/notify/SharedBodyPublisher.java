package dev.switchboard.notify;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A POST body handed to the JDK HTTP client as read-only views of the notifier's own array, with its exact
 * {@code Content-Length}: the bytes on the wire are those of {@code BodyPublishers.ofByteArray(body)}, without the copy
 * that publisher makes of the whole body on every attempt (issue 17: a room of 100's roster POST is ~60 KB, a room of
 * 400's ~250 KB, once per mute; that copy was a third of the server's allocation per mute). The body is frozen
 * ({@code Delivery.body}) and never changed, so views of it are safe to send from any thread, on every retry.
 *
 * <p>Thread-safe; every {@link #subscribe} starts at the first byte (the client subscribes again for a retry or a
 * redirect). Each subscription emits slices of at most {@link #SLICE} bytes, as many as were requested, honours
 * {@code cancel}, and signals {@code onError} for a non-positive request (Reactive Streams §3.9).
 */
final class SharedBodyPublisher implements HttpRequest.BodyPublisher {
    /** The largest slice handed over at once (the JDK's own publisher copies into buffers of this size). */
    static final int SLICE = 16 * 1024;
    private final byte[] body;

    /** @param body the frozen body; never changed afterwards */
    SharedBodyPublisher(byte[] body) {
        this.body = Objects.requireNonNull(body, "body");
    }

    @Override
    public long contentLength() {
        return body.length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Slices s = new Slices(subscriber, body);
        subscriber.onSubscribe(s);
        s.drain();
    }

    /** One subscription: the demand is counted atomically, the emitting is serialised by {@code wip}. */
    private static final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final byte[] body;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile Throwable badRequest;
        private int offset; // only inside drain()
        private boolean done; // only inside drain()

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber, byte[] body) {
            this.subscriber = subscriber;
            this.body = body;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("non-positive request: " + n);
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        /** Emits what is demanded; re-entrant calls (a {@code request} from {@code onNext}) only add a round. */
        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!done && !cancelled) {
                    Throwable bad = badRequest;
                    if (bad != null) {
                        done = true;
                        subscriber.onError(bad);
                        break;
                    }
                    if (offset >= body.length) {
                        done = true;
                        subscriber.onComplete();
                        break;
                    }
                    if (demand.get() == 0) {
                        break;
                    }
                    demand.decrementAndGet();
                    int n = Math.min(SLICE, body.length - offset);
                    ByteBuffer slice = ByteBuffer.wrap(body, offset, n).slice().asReadOnlyBuffer();
                    offset += n;
                    subscriber.onNext(slice);
                }
            } while (wip.decrementAndGet() != 0);
        }
    }
}
