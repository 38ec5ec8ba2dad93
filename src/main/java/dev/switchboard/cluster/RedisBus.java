package dev.switchboard.cluster;

import dev.switchboard.error.SwitchboardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One pub/sub channel of the cluster: messages are published in the order {@link #publish} was called (one
 * publishing thread, one connection), and every node's listener gets them in that order. Publishing never blocks the
 * caller (the engine calls it with a conference lock held). The subscriber reconnects by itself after a Redis
 * outage (messages published meanwhile are lost: pub/sub keeps nothing). Thread-safe.
 */
public final class RedisBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
    private final Redis redis;
    private final String channel;
    private final ExecutorService publisher;
    private final Thread subscriber;
    private volatile boolean closed;
    private volatile JedisPubSub current;

    public RedisBus(Redis redis, String channel, Consumer<String> listener) {
        this.redis = redis;
        this.channel = channel;
        this.publisher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cluster-publish-" + channel);
            t.setDaemon(true);
            return t;
        });
        this.subscriber = Thread.ofPlatform().daemon().name("cluster-subscribe-" + channel).unstarted(() -> listen(listener));
        subscriber.start();
    }

    /** The roster channel. */
    public static RedisBus roster(Redis redis, Consumer<String> listener) {
        return new RedisBus(redis, Keys.ROSTER_CHANNEL, listener);
    }

    /** Queues {@code message} for publishing; returns at once. */
    public void publish(String message) {
        if (closed) {
            return;
        }
        publisher.execute(() -> {
            try {
                redis.call(j -> j.publish(channel, message));
            } catch (SwitchboardException e) {
                log.warn("cluster: a {} message was lost (Redis unreachable)", channel);
            }
        });
    }

    private void listen(Consumer<String> listener) {
        while (!closed) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onMessage(String ch, String message) {
                    try {
                        listener.accept(message);
                    } catch (RuntimeException e) {
                        log.error("cluster: {} listener failed", channel, e);
                    }
                }
            };
            current = sub;
            try {
                redis.client().subscribe(sub, channel);
            } catch (RuntimeException e) {
                if (!closed) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        publisher.shutdown();
        JedisPubSub sub = current;
        if (sub != null) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException ignored) {
                // not subscribed (Redis down): the thread ends at its next attempt
            }
        }
        subscriber.interrupt();
    }
}
