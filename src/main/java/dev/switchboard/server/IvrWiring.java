package dev.switchboard.server;

import dev.switchboard.core.CallEngine;
import dev.switchboard.core.IvrCalls;
import dev.switchboard.core.IvrSettings;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.MediaDownloader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns on service-hosted media: prompts are downloaded under the callback address policy (at most
 * {@link #MAX_PROMPT_BYTES}, within {@link #FETCH_TIMEOUT}; all prompts in memory at once bounded by
 * {@code --prompt-memory}), recordings are kept in {@code <data>/recordings} and
 * swept every minute; downloads and the ends of media jobs run on virtual threads (docs/ivr-media.md).
 */
final class IvrWiring implements AutoCloseable {
    static final long MAX_PROMPT_BYTES = 16L << 20;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final MediaDownloader downloader;
    private final RecordingStore store;

    IvrWiring(CallEngine calls, CallbackUriPolicy policy, Path dataDir, MemorySize promptMemory,
              ScheduledExecutorService sweeper, MeterRegistry metrics) {
        this.downloader = new MediaDownloader(policy, MAX_PROMPT_BYTES, FETCH_TIMEOUT, workers);
        IvrSettings settings = IvrSettings.DEFAULTS.withPromptMemory(promptMemory.orElse(IvrSettings.DEFAULTS.promptMemoryBytes()));
        this.store = new RecordingStore(dataDir.resolve("recordings"), settings.recordingMaxBytes(),
                settings.recordingTtl(), Clock.systemUTC());
        IvrCalls ivr = calls.startIvr(settings, downloader::get, store, workers);
        sweeper.scheduleWithFixedDelay(ivr::sweepRecordings, 60, 60, TimeUnit.SECONDS);
        PromptMemory memory = ivr.promptMemory();
        Gauge.builder("switchboard.ivr.prompt.memory.used", memory, PromptMemory::used).baseUnit("bytes")
                .description("prompt audio in memory: downloads and decoded prompts (cached, queued, playing)").register(metrics);
        Gauge.builder("switchboard.ivr.prompt.memory.limit", memory, PromptMemory::limit).baseUnit("bytes")
                .description("the bound on prompt audio in memory (--prompt-memory)").register(metrics);
        FunctionCounter.builder("switchboard.ivr.prompt.memory.refusals", memory, PromptMemory::refusals)
                .description("prompts that failed because the prompt memory was full").register(metrics);
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
