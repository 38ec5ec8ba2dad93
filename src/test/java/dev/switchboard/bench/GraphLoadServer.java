package dev.switchboard.bench;

import dev.switchboard.media.MediaEngine;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import dev.switchboard.server.ServerConfig;
import dev.switchboard.server.SwitchboardServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real server without webhook delivery and without RTP (server-side legs that only record their flags), for
 * {@code bench/graph-load --no-webhooks}: isolates the Graph API and call engine from the notifier's signing and
 * POSTs. Prints the same "Switchboard listening on URL" line as {@code serve}; stops on SIGTERM.
 */
public final class GraphLoadServer {
    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("graph-load-server");
        AtomicLong notifications = new AtomicLong();
        // the load is far past Graph's request limit, the server's default: measured with it off
        ServerConfig config = ServerConfig.defaults(data).withPort(0)
                .withGraphRequests(dev.switchboard.api.GraphRequestLimit.OFF);
        SwitchboardServer server = new SwitchboardServer(config, new FlagOnlyMedia(), n -> notifications.incrementAndGet()).start();
        System.out.println("Switchboard listening on " + server.baseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.err.println("notifications queued: " + notifications.get());
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // best effort
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Rooms of legs that keep their mute flags in volatile fields, as the real legs do, and carry no media. */
    private static final class FlagOnlyMedia implements MediaEngine {
        @Override
        public MediaRoom openRoom(String callId) {
            return new MediaRoom() {
                @Override
                public String callId() {
                    return callId;
                }

                @Override
                public MediaLeg addLeg(String participantId, String sdpOffer, java.net.InetAddress offeredFrom) {
                    return new FlagLeg(participantId);
                }

                @Override
                public MediaLeg addServerLeg(String participantId) {
                    return new FlagLeg(participantId);
                }

                @Override
                public void close() {
                    // nothing held
                }
            };
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    private static final class FlagLeg implements MediaLeg {
        private final String participantId;
        private volatile boolean serverMuted;
        private volatile boolean clientMuted;

        FlagLeg(String participantId) {
            this.participantId = participantId;
        }

        @Override
        public String participantId() {
            return participantId;
        }

        @Override
        public String sdpAnswer() {
            return null;
        }

        @Override
        public void setServerMuted(boolean muted) {
            serverMuted = muted;
        }

        @Override
        public void setClientMuted(boolean muted) {
            clientMuted = muted;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
