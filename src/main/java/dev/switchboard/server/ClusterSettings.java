package dev.switchboard.server;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Cluster mode (docs/cluster.md): off without {@code --redis}, and then nothing changes.
 *
 * @param redis        {@code redis://[user:password@]host:port[/db]}, {@code rediss://…} or
 *                     {@code redis-sentinel://host:port[,host:port]/primaryName[/db]}, or null for one node
 * @param nodeId       this node's id, or null for the one persisted in the data directory (created on first start)
 * @param nodeUrl      the base URL other nodes reach this node at (hops), or null for the bound HTTP URL
 * @param nodeTtl      how long a node's heartbeat record lives: a node silent this long is declared dead
 * @param drainTimeout how long SIGTERM lets a node's calls run to their end before it ends the rest
 * @param terminatedRetention how long a call a survivor ended after its node died answers GET (then 404)
 */
public record ClusterSettings(String redis, String nodeId, String nodeUrl, Duration nodeTtl, Duration drainTimeout,
                              Duration terminatedRetention) {
    public static final ClusterSettings OFF = new ClusterSettings(null, null, null, Duration.ofSeconds(3), Duration.ofSeconds(30),
            Duration.ofSeconds(60));
    static final String NODE_ID_FILE = "node-id";

    public ClusterSettings {
        if (nodeTtl == null || nodeTtl.toMillis() < 1500) {
            throw new IllegalArgumentException("--node-ttl must be at least 1500ms (heartbeats are sent every second)");
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("--drain-timeout must not be negative");
        }
        if (terminatedRetention == null || terminatedRetention.toMillis() < 1000) {
            throw new IllegalArgumentException("--terminated-retention must be at least 1s");
        }
        if (redis != null && !redis.isBlank()) {
            dev.switchboard.cluster.Redis.check(redis); // its form, now: a bad one is a usage error, its password unechoed
        }
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--node-id must be 1-64 of A-Z a-z 0-9 . _ -, was " + nodeId);
        }
        if (nodeUrl != null && nodeUrl.endsWith("/")) {
            nodeUrl = nodeUrl.substring(0, nodeUrl.length() - 1);
        }
    }

    public boolean enabled() {
        return redis != null && !redis.isBlank();
    }

    public ClusterSettings withRedis(String uri) {
        return new ClusterSettings(uri, nodeId, nodeUrl, nodeTtl, drainTimeout, terminatedRetention);
    }

    /** The node id: the configured one, else the one in {@code <dataDir>/node-id}, created there on first use. */
    String resolveNodeId(Path dataDir) {
        if (nodeId != null) {
            return nodeId;
        }
        Path file = dataDir.resolve(NODE_ID_FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = "node-" + UUID.randomUUID().toString().substring(0, 8);
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node id in " + file, e);
        }
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--redis", description =
                "Cluster mode: the Redis every node shares, redis://[user:password@]host:port[/db], rediss://… (TLS) or"
                + " redis-sentinel://host:port[,host:port]/primaryName[/db] (the primary its Sentinels name; docs/cluster.md)."
                + " Without it the server runs alone, as always.")
        String redis;

        @Option(names = "--node-id", description = "This node's id in the cluster (default: generated once and kept in DATA_DIR/node-id).")
        String nodeId;

        @Option(names = "--node-url", converter = SettingConverters.BaseUrl.class, description =
                "Base URL the other nodes reach this node at (node-to-node hops), when it differs from what it binds"
                + " (default: http://HOST:PORT as bound). --public-url may then be the cluster's load balancer.")
        String nodeUrl;

        @Option(names = "--node-ttl", defaultValue = "3s", converter = SettingConverters.DurationConverter.class,
                description = "A node whose heartbeat is this old is declared dead and its calls are ended by a survivor (default: 3s).")
        Duration nodeTtl;

        @Option(names = "--drain-timeout", defaultValue = "30s", converter = SettingConverters.DurationConverter.class,
                description = "Cluster mode: on SIGTERM, how long the node's calls may run to their end before the rest are ended (default: 30s).")
        Duration drainTimeout;

        @Option(names = "--terminated-retention", defaultValue = "60s", converter = SettingConverters.DurationConverter.class,
                description = "Cluster mode: how long a call ended by a survivor after its node died answers GET as terminated, then 404 (default: 60s).")
        Duration terminatedRetention;

        ClusterSettings settings() {
            return new ClusterSettings(redis, nodeId, nodeUrl, nodeTtl, drainTimeout, terminatedRetention);
        }
    }
}
