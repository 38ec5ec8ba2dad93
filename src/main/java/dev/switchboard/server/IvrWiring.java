package dev.switchboard.server;

import dev.switchboard.core.CallEngine;
import dev.switchboard.core.IvrCalls;
import dev.switchboard.core.IvrSettings;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.MediaDownloader;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns on service-hosted media: prompts are downloaded under the callback address policy (at most
 * {@link #MAX_PROMPT_BYTES}, within {@link #FETCH_TIMEOUT}), recordings are kept in {@code <data>/recordings} and
 * swept every minute; downloads and the ends of media jobs run on virtual threads (docs/ivr-media.md).
 */
final class IvrWiring implements AutoCloseable {
    static final long MAX_PROMPT_BYTES = 16L << 20;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final MediaDownloader downloader;
    private final RecordingStore store;

    IvrWiring(CallEngine calls, CallbackUriPolicy policy, Path dataDir, ScheduledExecutorService sweeper) {
        this.downloader = new MediaDownloader(policy, MAX_PROMPT_BYTES, FETCH_TIMEOUT, workers);
        IvrSettings settings = IvrSettings.DEFAULTS;
        this.store = new RecordingStore(dataDir.resolve("recordings"), settings.recordingMaxBytes(),
                settings.recordingTtl(), Clock.systemUTC());
        IvrCalls ivr = calls.startIvr(settings, downloader::get, store, workers);
        sweeper.scheduleWithFixedDelay(ivr::sweepRecordings, 60, 60, TimeUnit.SECONDS);
    }

    /** Whether recording {@code id} is kept on this node. */
    boolean hasRecording(String id) {
        return store.has(id);
    }

    @Override
    public void close() {
        downloader.close();
        workers.shutdownNow();
        store.close();
    }
}
