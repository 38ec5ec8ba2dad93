package dev.switchboard.cluster;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * The cluster's one Redis connection pool, with short timeouts so that no request waits on a dead Redis: every
 * command either answers or fails within {@link #COMMAND_TIMEOUT} (plus at most {@link #POOL_WAIT} for a free
 * connection), and a failure becomes a Graph {@code 503 serviceNotAvailable} with {@code Retry-After}.
 * URIs: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS. Thread-safe.
 */
public final class Redis implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(700);
    static final Duration POOL_WAIT = Duration.ofMillis(300);
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final RedisClient client;
    private final String display;

    private Redis(RedisClient client, String display) {
        this.client = client;
        this.display = display;
    }

    /** A pool for {@code uri}; connects lazily (a Redis that is down at start is reported by the first command). */
    public static Redis connect(String uri) {
        URI u = URI.create(uri);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--redis must be redis://host:port[/db] or rediss://…, not " + uri);
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) COMMAND_TIMEOUT.toMillis())
                .socketTimeoutMillis((int) COMMAND_TIMEOUT.toMillis())
                .ssl("rediss".equals(u.getScheme()))
                .clientName("switchboard");
        if (u.getRawUserInfo() != null) {
            String[] parts = u.getRawUserInfo().split(":", 2);
            if (parts.length == 2) {
                if (!parts[0].isEmpty()) {
                    config.user(decode(parts[0]));
                }
                config.password(decode(parts[1]));
            } else {
                config.password(decode(parts[0]));
            }
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMaxWait(POOL_WAIT);
        pool.setTestWhileIdle(false);
        pool.setJmxEnabled(false);
        String display = u.getHost() + ":" + (u.getPort() == -1 ? 6379 : u.getPort());
        try {
            RedisClient client = RedisClient.builder().hostAndPort(u.getHost(), u.getPort() == -1 ? 6379 : u.getPort())
                    .clientConfig(config.build()).poolConfig(pool).build();
            return new Redis(client, display);
        } catch (JedisException e) {
            throw new IllegalStateException("cluster mode: cannot reach Redis at " + display + ": " + e.getMessage(), e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code commands} (one or a few Redis commands, or a pipeline).
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE with Retry-After when Redis does not answer in time
     */
    public <T> T call(Function<UnifiedJedis, T> commands) {
        try {
            return commands.apply(client);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    static SwitchboardException unavailable(RuntimeException cause) {
        SwitchboardException e = new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                "The cluster's state store is not reachable; retry shortly.", RETRY_AFTER);
        e.addSuppressed(cause);
        return e;
    }

    /** The client, for the subscriber thread (which holds one connection for as long as it listens). */
    UnifiedJedis client() {
        return client;
    }

    @Override
    public String toString() {
        return display;
    }

    @Override
    public void close() {
        client.close();
    }
}
