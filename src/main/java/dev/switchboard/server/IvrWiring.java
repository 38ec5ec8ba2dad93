package dev.switchboard.server;

import dev.switchboard.core.CallEngine;
import dev.switchboard.core.IvrCalls;
import dev.switchboard.core.IvrSettings;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.RecordingStore;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.DownloadSlots;
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
 * {@link #MAX_PROMPT_BYTES}, within {@link #FETCH_TIMEOUT}, at most {@link #MAX_DOWNLOADS} at once; all prompts in
 * memory at once bounded by {@code --prompt-memory}), recordings are kept in {@code <data>/recordings} and
 * swept every minute; downloads and the ends of media jobs run on virtual threads (docs/ivr-media.md).
 */
final class IvrWiring implements AutoCloseable {
    static final long MAX_PROMPT_BYTES = 16L << 20;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);
    /**
     * Prompt downloads in flight at once, across calls (more wait for a slot within their {@link #FETCH_TIMEOUT}). Each
     * holds a socket for up to 15 s against a media server that accepts and stalls; 64 is a small share of the usual
     * 1,024 open files of a process (the default 1,000 media ports take most of the rest), yet 64 prompts of 16 kHz
     * (32 KiB a second) from a server that answers at LAN speed arrive in a few milliseconds each: thousands a second.
     */
    static final int MAX_DOWNLOADS = 64;

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final MediaDownloader downloader;
    private final RecordingStore store;

    IvrWiring(CallEngine calls, CallbackUriPolicy policy, Path dataDir, MediaSettings media,
              ScheduledExecutorService sweeper, MeterRegistry metrics) {
        DownloadSlots slots = new DownloadSlots(MAX_DOWNLOADS);
        this.downloader = new MediaDownloader(policy, MAX_PROMPT_BYTES, FETCH_TIMEOUT, slots, workers);
        IvrSettings settings = IvrSettings.DEFAULTS
                .withPromptMemory(media.promptMemory().orElse(IvrSettings.DEFAULTS.promptMemoryBytes()))
                .withRecordingMaxBytes(media.recordingStorageBytes());
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
        Gauge.builder("switchboard.ivr.recordings.storage.used", store, RecordingStore::usedBytes).baseUnit("bytes")
                .description("disk the recordings take: those kept and those being recorded").register(metrics);
        Gauge.builder("switchboard.ivr.recordings.storage.limit", store, RecordingStore::maxBytes).baseUnit("bytes")
                .description("the bound on the recordings' disk (--recording-storage)").register(metrics);
        Gauge.builder("switchboard.ivr.prompt.downloads.in.flight", slots, DownloadSlots::inFlight)
                .description("prompt downloads holding a connection now (at most " + MAX_DOWNLOADS + ")").register(metrics);
        Gauge.builder("switchboard.ivr.prompt.downloads.waiting", slots, DownloadSlots::waiting)
                .description("prompt downloads waiting for a download slot now").register(metrics);
        FunctionCounter.builder("switchboard.ivr.prompt.downloads.slot.timeouts", slots, DownloadSlots::gaveUp)
                .description("prompt downloads that failed because no download slot came free in time").register(metrics);
        FunctionCounter.builder("switchboard.ivr.prompt.downloads.slots.taken.back", slots, DownloadSlots::takenBack)
                .description("download slots taken back from a stalled download for another tenant's (docs/ivr-media.md)")
                .register(metrics);
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
