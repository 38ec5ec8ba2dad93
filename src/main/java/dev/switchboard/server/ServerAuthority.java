package dev.switchboard.server;

import dev.switchboard.auth.AuthMetrics;
import dev.switchboard.auth.EmbeddedAuthority;
import dev.switchboard.auth.IdentityConfig;
import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.cluster.SharedIdentity;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;

/** Opens the server's embedded token authority: on this node's key files, or in cluster mode on the cluster's. */
final class ServerAuthority {
    private ServerAuthority() {
    }

    /**
     * The authority of a server, on the system clock.
     *
     * @param cluster cluster mode's parts, or null without {@code --redis}
     * @throws RuntimeException on a bad identity configuration or key file (nothing is left open)
     */
    static EmbeddedAuthority open(ServerConfig config, PublicOrigins origins, PrometheusMeterRegistry metrics,
                                  ClusterMode cluster) {
        return cluster == null ? open(config.identity().identities(), config, origins, metrics)
                : shared(cluster, config, origins, metrics);
    }

    private static EmbeddedAuthority open(IdentityConfig identities, ServerConfig config, PublicOrigins origins,
                                          PrometheusMeterRegistry metrics) {
        return new EmbeddedAuthority(identities, config.identity().development(),
                config.dataDir(), origins, Clock.systemUTC(), new AuthMetrics(metrics), config.callbacks().signing());
    }

    /** Cluster mode: the authority on the cluster's key files (the first node's, shared through Redis). */
    private static EmbeddedAuthority shared(ClusterMode cluster, ServerConfig config, PublicOrigins origins,
                                            PrometheusMeterRegistry metrics) {
        SharedIdentity identity = cluster.identity(config.dataDir().resolve("auth"));
        var ids = ClusterMode.withoutLocalKeyRotation(config.identity().identities()); // the cluster rotates (KeyRotation)
        if (identity.adopt()) {
            return open(ids, config, origins, metrics);
        }
        EmbeddedAuthority mine = open(ids, config, origins, metrics);
        if (identity.offer()) {
            return mine;
        }
        mine.close(); // another node's keys were there first: start again on them
        return open(ids, config, origins, metrics);
    }
}
