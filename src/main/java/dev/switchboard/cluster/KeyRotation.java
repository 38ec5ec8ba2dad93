package dev.switchboard.cluster;

import dev.switchboard.auth.SigningKeys;
import org.slf4j.Logger;
import redis.clients.jedis.params.SetParams;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A token signing key rotation the whole cluster follows (docs/cluster.md): the rotation publishes a fresh key in the
 * cluster's identity ({@code sb:identity}, version bumped), waits until every live node has loaded it (each node
 * follows the version with its heartbeat and acknowledges in {@code sb:identity:acks}) so that every node's JWKS has
 * it and verifies with it, then makes it the signing key (version bumped again) and waits again. The previous key
 * is retired: it stays in every JWKS and verifies until the tokens it signed have expired. One rotation at a time
 * (a Redis lock); run by {@code switchboard rotate-keys --redis …} or by a node when the active key is older than
 * the configured maximum age.
 *
 * <p>Not thread-safe (one rotation per instance at a time); blocks for as long as the nodes take to follow (about a
 * heartbeat each step).
 */
public final class KeyRotation {
    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final String PUBLISH = "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', KEYS[2])";
    private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end return 1";

    /** What a rotation did: the new signing key, the retired one, and how many live nodes followed it. */
    public record Result(String activeKid, String retiredKid, int nodes) {
    }

    private final Redis redis;
    private final Clock clock;
    private final Duration keepRetiredFor;

    /** @param keepRetiredFor how long a retired key keeps verifying (token lifetime + clock skew) */
    public KeyRotation(Redis redis, Clock clock, Duration keepRetiredFor) {
        this.redis = redis;
        this.clock = clock;
        this.keepRetiredFor = keepRetiredFor;
    }

    /**
     * Rotates the cluster's signing key.
     *
     * @param followTimeout how long each step waits for every live node to load the new identity
     * @throws IllegalStateException when another rotation runs, the cluster has no identity yet, or a live node did
     *                               not follow in time (then a published key stays published: it verifies on the
     *                               nodes that loaded it and nobody signs with it; running the rotation again
     *                               continues from there)
     */
    public Result rotate(Duration followTimeout) {
        String token = UUID.randomUUID().toString();
        long lockMillis = followTimeout.multipliedBy(2).plusSeconds(30).toMillis();
        String locked = redis.call(j -> j.set(Keys.ROTATION_LOCK, token,
                SetParams.setParams().nx().px(lockMillis)));
        if (!"OK".equals(locked)) {
            throw new IllegalStateException("another key rotation is running in the cluster");
        }
        Path dir = null;
        try {
            String blob = redis.call(j -> j.get(Keys.IDENTITY));
            if (blob == null) {
                throw new IllegalStateException("the cluster has no identity yet (start a node first)");
            }
            dir = Files.createTempDirectory("switchboard-rotation");
            SharedIdentity.write(blob, dir);
            SigningKeys keys = new SigningKeys(dir, clock, keepRetiredFor, null);
            String retiring = keys.active().kid();
            SigningKeys.Entry next = keys.publishNext();
            long published = publish(SharedIdentity.read(dir));
            int nodes = awaitFollowers(published, followTimeout, "publish " + next.kid());
            log.info("key rotation: kid={} is in the JWKS of all {} live nodes; making it the signing key", next.kid(), nodes);
            keys.promoteNext();
            long active = publish(SharedIdentity.read(dir));
            nodes = awaitFollowers(active, followTimeout, "sign with " + next.kid());
            log.info("key rotation: every live node signs with kid={}; kid={} verifies until its tokens expire", next.kid(), retiring);
            return new Result(next.kid(), retiring, nodes);
        } catch (IOException e) {
            throw new UncheckedIOException("key rotation: no temporary directory", e);
        } finally {
            redis.call(j -> j.eval(UNLOCK, List.of(Keys.ROTATION_LOCK), List.of(token)));
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    private long publish(String blob) {
        return (Long) redis.call(j -> j.eval(PUBLISH, List.of(Keys.IDENTITY, Keys.IDENTITY_VERSION), List.of(blob)));
    }

    /** Waits until every live node acknowledged {@code version}; returns how many there are. */
    private int awaitFollowers(long version, Duration timeout, String step) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> behind = new ArrayList<>();
            int live = 0;
            Map<String, String> acks = redis.call(j -> j.hgetAll(Keys.IDENTITY_ACKS));
            for (String id : redis.call(j -> j.hkeys(Keys.NODES))) {
                if (!redis.call(j -> j.exists(Keys.node(id)))) {
                    continue; // dead: it adopts the identity when it starts again
                }
                live++;
                String ack = acks.get(id);
                if (ack == null || Long.parseLong(ack) < version) {
                    behind.add(id);
                }
            }
            if (behind.isEmpty()) {
                return live;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("key rotation stopped at step '" + step + "': nodes " + behind
                        + " did not follow within " + timeout.toSeconds() + " s (run it again once they are up)");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("key rotation interrupted at step '" + step + "'");
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("key rotation: could not delete {}", dir);
        }
    }
}
