package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.WavDecoder;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prompts fetched and decoded once per resourceId: the first play of a {@code (app, resourceId, uri)} fetches and
 * decodes on a worker, every later play (and every play while that fetch runs) reuses the decoded clip without disk
 * or network. A prompt without a resourceId is fetched each time. Failures are not cached. Least recently used clips
 * are evicted past the byte bound. Thread-safe.
 */
final class PromptCache {
    private record Key(String tenantId, String appId, String resourceId, String uri) {
    }

    private final long maxBytes;
    private final PromptFetcher fetcher;
    private final Executor workers;
    private final LinkedHashMap<Key, CompletableFuture<PcmClip>> clips = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong fetches = new AtomicLong();
    private long bytes;

    PromptCache(long maxBytes, PromptFetcher fetcher, Executor workers) {
        this.maxBytes = maxBytes;
        this.fetcher = fetcher;
        this.workers = workers;
    }

    /** A slot that fills with the prompt's audio (at once when cached). */
    PromptSlot slot(Call call, MediaPrompt prompt) {
        CompletableFuture<PcmClip> clip = prompt.resourceId() == null || prompt.resourceId().isEmpty()
                ? load(prompt, null) : cached(call, prompt);
        if (clip.isDone() && !clip.isCompletedExceptionally()) {
            return PromptSlot.of(clip.join());
        }
        PromptSlot slot = new PromptSlot();
        clip.whenComplete((c, e) -> {
            if (c != null) {
                slot.ready(c);
            } else {
                slot.failed(message(e));
            }
        });
        return slot;
    }

    /**
     * Starts loading a prompt with a resourceId into the cache (preFetchMedia) unless it is there or on its way; the
     * returned future completes with the clip or the failure (which is not cached: a later play fetches again).
     */
    CompletableFuture<PcmClip> prefetch(Call call, MediaPrompt prompt) {
        return cached(call, prompt);
    }

    private CompletableFuture<PcmClip> cached(Call call, MediaPrompt prompt) {
        Key key = new Key(call.tenantId, call.appId, prompt.resourceId(), prompt.uri().toString());
        synchronized (clips) {
            CompletableFuture<PcmClip> clip = clips.get(key);
            if (clip == null) {
                clip = new CompletableFuture<>();
                clips.put(key, clip);
                CompletableFuture<PcmClip> target = clip;
                workers.execute(() -> fill(target, prompt, key));
            }
            return clip;
        }
    }

    /** How many downloads were made (for metrics and tests). */
    long fetches() {
        return fetches.get();
    }

    private CompletableFuture<PcmClip> load(MediaPrompt prompt, Key key) {
        CompletableFuture<PcmClip> f = new CompletableFuture<>();
        workers.execute(() -> fill(f, prompt, key));
        return f;
    }

    private void fill(CompletableFuture<PcmClip> target, MediaPrompt prompt, Key key) {
        try {
            fetches.incrementAndGet();
            PcmClip clip = WavDecoder.decode(fetcher.fetch(prompt.uri()));
            target.complete(clip);
            if (key != null) {
                admit(clip);
            }
        } catch (RuntimeException e) {
            if (key != null) {
                synchronized (clips) {
                    clips.remove(key, target);
                }
            }
            target.completeExceptionally(e);
        }
    }

    private void admit(PcmClip clip) {
        synchronized (clips) {
            bytes += clip.bytes();
            Iterator<Map.Entry<Key, CompletableFuture<PcmClip>>> it = clips.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                CompletableFuture<PcmClip> f = it.next().getValue();
                PcmClip old = f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
                if (old != null) {
                    bytes -= old.bytes();
                    it.remove();
                }
            }
        }
    }

    static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof SwitchboardException ? t.getMessage() : "The prompt could not be loaded: " + t;
    }
}
