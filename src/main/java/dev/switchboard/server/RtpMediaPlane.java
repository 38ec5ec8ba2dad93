package dev.switchboard.server;

import dev.switchboard.media.RtpMediaEngine;
import dev.switchboard.media.codec.OpusCodecs;
import dev.switchboard.media.webrtc.ConsentPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Opens the server's RTP media plane from the configuration (the media engine a {@link SwitchboardServer} owns). */
final class RtpMediaPlane {
    private RtpMediaPlane() {
    }

    /**
     * The RTP media plane on the configured ports and Opus library, with the shared WebRTC port when
     * {@code --webrtc-port} is not -1.
     *
     * @throws UncheckedIOException if the WebRTC port cannot be bound (the engine is closed first)
     */
    static RtpMediaEngine open(ServerConfig config, PrometheusMeterRegistry metrics) {
        RtpMediaEngine engine = new RtpMediaEngine(config.host(), config.advertisedMediaAddress(), config.mediaPortLow(),
                config.mediaPortHigh(), config.media().allow(), metrics);
        engine.useOpusEncoder(config.opus().encoder());
        engine.useMixDepth(config.media().mixDepth());
        engine.useMediaTimeout(config.media().mediaTimeout());
        OpusLibraryMetrics.register(OpusCodecs.use(config.opus().library()), metrics);
        int webrtcPort = config.media().webrtcPort();
        if (webrtcPort >= 0) {
            try {
                engine.enableWebRtc(new InetSocketAddress(config.host(), webrtcPort), ConsentPolicy.DEFAULT, metrics);
            } catch (IOException e) {
                engine.close();
                throw new UncheckedIOException("cannot bind the WebRTC port " + config.host() + ":" + webrtcPort
                        + " (" + e.getMessage() + "); choose another with --webrtc-port, or -1 for no WebRTC", e);
            }
        }
        return engine;
    }
}
