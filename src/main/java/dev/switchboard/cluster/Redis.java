package dev.switchboard.cluster;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster's one Redis connection pool, with short timeouts so that no request waits on a dead Redis: every
 * command either answers or fails within {@link #COMMAND_TIMEOUT} (plus at most {@link #POOL_WAIT} for a free
 * connection), and a failure becomes a Graph {@code 503 serviceNotAvailable} with {@code Retry-After}.
 * URIs: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS,
 * {@code redis-sentinel://[user:password@]host:port[,host:port…]/primaryName[/db]} for a primary Sentinels watch.
 * Thread-safe.
 */
public final class Redis implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(700);
    static final Duration POOL_WAIT = Duration.ofMillis(300);
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    /** The URI scheme of a primary found through Sentinels. */
    public static final String SENTINEL_SCHEME = "redis-sentinel";

    private final UnifiedJedis client;
    private final String display;

    private Redis(UnifiedJedis client, String display) {
        this.client = client;
        this.display = display;
    }

    /**
     * A pool for {@code uri}; connects lazily (a Redis that is down at start is reported by the first command).
     * {@code redis-sentinel://[user:password@]host:port[,host:port…]/primaryName[/db]} asks those Sentinels which
     * node is the primary named {@code primaryName} and follows it when they fail over (the password is the
     * primary's; the Sentinels are asked without one).
     */
    public static Redis connect(String uri) {
        check(uri);
        if (uri.startsWith(SENTINEL_SCHEME + "://")) {
            return connectSentinels(uri);
        }
        URI u = URI.create(uri);
        DefaultJedisClientConfig.Builder config = clientConfig().ssl("rediss".equals(u.getScheme()));
        credentials(config, u.getRawUserInfo());
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        String display = u.getHost() + ":" + (u.getPort() == -1 ? 6379 : u.getPort());
        try {
            RedisClient client = RedisClient.builder().hostAndPort(u.getHost(), u.getPort() == -1 ? 6379 : u.getPort())
                    .clientConfig(config.build()).poolConfig(pool()).build();
            return new Redis(client, display);
        } catch (JedisException e) {
            throw new IllegalStateException("cluster mode: cannot reach Redis at " + display + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the form of a {@code --redis} URI without connecting; the message of the {@link IllegalArgumentException}
     * it throws names the URI with its credentials written {@code ***} ({@link #redacted}).
     */
    public static void check(String uri) {
        if (uri.startsWith(SENTINEL_SCHEME + "://")) {
            checkSentinels(uri);
            return;
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--redis is not a valid URI (" + e.getReason() + "): " + redacted(uri));
        }
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--redis must be redis://host:port[/db], rediss://… or "
                    + SENTINEL_SCHEME + "://host:port[,host:port]/primaryName[/db], not " + redacted(uri));
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            checkDatabase(path.substring(1), uri);
        }
    }

    private static void checkSentinels(String uri) {
        String rest = uri.substring(SENTINEL_SCHEME.length() + 3);
        int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf('@')));
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String[] path = slash < 0 ? new String[0] : rest.substring(slash + 1).split("/");
        if (path.length < 1 || path.length > 2 || path[0].isEmpty()) {
            throw new IllegalArgumentException("--redis " + SENTINEL_SCHEME + "://host:port[,host:port]/primaryName[/db] names no primary: "
                    + redacted(uri));
        }
        if (path.length == 2 && !path[1].isEmpty()) {
            checkDatabase(path[1], uri);
        }
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        for (String hp : hosts.split(",")) {
            int colon = hp.lastIndexOf(':');
            if (colon >= 0 && !hp.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("--redis names a Sentinel with a bad port: " + redacted(uri));
            }
        }
        if (hosts.isBlank()) {
            throw new IllegalArgumentException("--redis " + SENTINEL_SCHEME + "://… names no Sentinel: " + redacted(uri));
        }
    }

    private static void checkDatabase(String db, String uri) {
        if (!db.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("--redis names a database that is not a number: " + redacted(uri));
        }
    }

    /** The URI with its user and password, if it has any, written {@code ***}: for messages and logs. */
    public static String redacted(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        return scheme < 0 || at < scheme ? uri : uri.substring(0, scheme + 3) + "***" + uri.substring(at);
    }

    private static Redis connectSentinels(String uri) {
        String rest = uri.substring(SENTINEL_SCHEME.length() + 3);
        int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf('@')));
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String[] path = slash < 0 ? new String[0] : rest.substring(slash + 1).split("/");
        DefaultJedisClientConfig.Builder config = clientConfig();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            credentials(config, authority.substring(0, at));
            authority = authority.substring(at + 1);
        }
        if (path.length == 2 && !path[1].isEmpty()) {
            config.database(Integer.parseInt(path[1]));
        }
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        for (String hp : authority.split(",")) {
            if (hp.isBlank()) {
                continue;
            }
            int colon = hp.lastIndexOf(':');
            sentinels.add(colon < 0 ? new HostAndPort(hp, 26379)
                    : new HostAndPort(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
        }
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("--redis " + SENTINEL_SCHEME + "://… names no Sentinel: " + redacted(uri));
        }
        String primary = decode(path[0]);
        String display = "primary " + primary + " via Sentinels " + sentinels;
        try {
            RedisSentinelClient client = RedisSentinelClient.builder().masterName(primary).sentinels(sentinels)
                    .clientConfig(config.build()).sentinelClientConfig(clientConfig().clientName("switchboard-sentinel").build())
                    .poolConfig(pool()).build();
            return new Redis(client, display);
        } catch (JedisException e) {
            throw new IllegalStateException("cluster mode: cannot find the Redis " + display + ": " + e.getMessage(), e);
        }
    }

    private static DefaultJedisClientConfig.Builder clientConfig() {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) COMMAND_TIMEOUT.toMillis())
                .socketTimeoutMillis((int) COMMAND_TIMEOUT.toMillis())
                .clientName("switchboard");
    }

    private static void credentials(DefaultJedisClientConfig.Builder config, String rawUserInfo) {
        if (rawUserInfo == null) {
            return;
        }
        String[] parts = rawUserInfo.split(":", 2);
        if (parts.length == 2) {
            if (!parts[0].isEmpty()) {
                config.user(decode(parts[0]));
            }
            config.password(decode(parts[1]));
        } else {
            config.password(decode(parts[0]));
        }
    }

    private static GenericObjectPoolConfig<Connection> pool() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMaxWait(POOL_WAIT);
        pool.setTestWhileIdle(false);
        pool.setJmxEnabled(false);
        return pool;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code commands} (one or a few Redis commands; for a pipeline see {@link #pipeline} and {@link #read}).
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

    /**
     * Sends {@code commands} as one pipeline (one round trip) and waits for their replies. The pipeline is closed,
     * which is what gives its pooled connection back ({@code sync()} alone does not: every unclosed pipeline kept one,
     * and a node whose 64 were gone answered 503).
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE as {@link #call}
     */
    public void pipeline(Consumer<AbstractPipeline> commands) {
        read(p -> {
            commands.accept(p);
            return () -> null;
        });
    }

    /**
     * {@link #pipeline} for replies: {@code commands} queue the commands and return what reads their
     * {@code Response}s, called once the pipeline has synced.
     */
    public <T> T read(Function<AbstractPipeline, Supplier<T>> commands) {
        return call(j -> {
            try (AbstractPipeline p = j.pipelined()) {
                Supplier<T> replies = commands.apply(p);
                p.sync();
                return replies.get();
            }
        });
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
