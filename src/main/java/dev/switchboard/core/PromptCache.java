package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.ivr.PcmClip;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.WavDecoder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prompts fetched and decoded once per resourceId: the first play of a {@code (app, resourceId, uri)} fetches and
 * decodes on a worker, every later play (and every play while that fetch runs) reuses the decoded clip without disk
 * or network. A prompt without a resourceId is fetched each time. Failures are not cached. Past the byte bound, the
 * least recently used clips that nothing plays are evicted (one that plays stays: its slot holds the clip anyway); a
 * cache left over its bound by clips that played is trimmed back as they stop playing.
 *
 * <p>Every download and every decoded clip is counted in {@link PromptMemory}: a download takes what its body needs
 * as it arrives and gives it back once decoded; a decoded clip is held by the slots that play it, and by the cache
 * while it is cached, and given back when the last of them lets go. When a prompt does not fit, cached clips that
 * nothing plays are evicted to make room; then, if another tenant holds more than the prompt's tenant would with it,
 * that tenant gives way: its largest decoded prompt that nothing plays yet (queued behind a playing one, or cached)
 * gives its memory back, as long as the tenant still holds at least as much as the asking one after ({@link
 * HeldPrompts}); if that is not enough the prompt fails ({@link PromptMemory#full}). A tenant alone, or holding the
 * most, never finds a larger one: it is refused as before.
 *
 * <p>An entry costs more than its clip: its key (the bot's resourceId and URI) and the objects that keep it. That is
 * counted too, {@link #entryBytes} per entry, in the prompt memory and in the cache's bound, from the moment the entry
 * is made (before its download) until it leaves the cache; otherwise prompts of a few bytes under ever new
 * resourceIds would make millions of entries that no bound sees. Counting bytes, rather than bounding the number of
 * entries, keeps one bound for everything a prompt holds: tiny prompts fill it as large ones do and are evicted the
 * same way (idle ones, least recently used, when a prompt needs the room), and there is no second number to choose.
 * Thread-safe.
 */
final class PromptCache {
    /**
     * What an entry holds besides its clip and its key's characters: the key record and its four strings, the entry,
     * its future, list and counter, the map's node and the clip's object and array headers, about 450 bytes with
     * compressed references, rounded up.
     */
    static final long ENTRY_OVERHEAD = 512;

    private record Key(String tenantId, String appId, String resourceId, String uri) {
        /** {@link #ENTRY_OVERHEAD} and two bytes a character (a string holds one or two). */
        long bytes() {
            return ENTRY_OVERHEAD + 2L * (length(tenantId) + length(appId) + length(resourceId) + length(uri));
        }

        private static int length(String s) {
            return s == null ? 0 : s.length();
        }
    }

    /** A cached prompt: loading (waiting slots) or loaded (its clip). */
    private final class Entry implements HeldPrompts.Held {
        final Key key;
        /** {@link Key#bytes()}: taken from the memory before the entry is put in the map, given back when it leaves. */
        final long cost;
        final CompletableFuture<PcmClip> loaded = new CompletableFuture<>();
        /** Slots asked for while it loads; guarded by {@link #clips}. */
        final List<PromptSlot> waiting = new ArrayList<>();
        /** Null while loading; guarded by {@link #clips}. */
        PcmClip clip;
        /** The slots holding the clip, plus one while it is cached; taken only under {@link #clips}. */
        final AtomicInteger holders = new AtomicInteger();
        /** The slots holding the clip (added under {@link #clips}, removed as they let go). */
        final Set<PromptSlot> slots = ConcurrentHashMap.newKeySet();

        Entry(Key key) {
            this.key = key;
            this.cost = key.bytes();
        }

        /**
         * One holder lets go; the last one gives the clip's memory back. When only the cache is left holding it and
         * the cache is over its bound (it kept clips that played), a trim is queued on a worker. Lock-free (a job's
         * end, any thread, the mixer's too).
         */
        void drop() {
            int left = holders.decrementAndGet();
            if (left == 0) {
                held.remove(key.tenantId(), this);
                memory.give(key.tenantId(), clip.bytes());
            } else if (left == 1 && bytes > maxBytes) {
                queueTrim();
            }
        }

        /** A slot holding the clip; its release lets go. Holding {@link #clips}. */
        void hold(PromptSlot slot) {
            holders.incrementAndGet();
            slots.add(slot);
            slot.ready(clip, () -> {
                slots.remove(slot);
                drop();
            });
        }

        @Override
        public long bytes() {
            return clip.bytes();
        }

        @Override
        public boolean queued() {
            for (PromptSlot s : slots) {
                if (!s.queued()) {
                    return false;
                }
            }
            return true;
        }

        /** Leaves the cache and every slot holding it gives way (the last to let go gives the memory back). */
        @Override
        public boolean giveWay(String why) {
            synchronized (clips) {
                if (clips.remove(key, this)) {
                    evicted(this);
                }
                for (PromptSlot s : slots) {
                    s.giveWay(why);
                }
            }
            return true;
        }
    }

    private final long maxBytes;
    private final PromptMemory memory;
    private final HeldPrompts held;
    private final PromptFetcher fetcher;
    private final Executor workers;
    private final LinkedHashMap<Key, Entry> clips = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong fetches = new AtomicLong();
    /**
     * Bytes of the entries in {@link #clips} (each one's {@link Entry#cost}, and its clip once loaded); written only
     * holding it, volatile so that a slot's release can see the cache is over its bound without taking the lock.
     */
    private volatile long bytes;
    /** A trim is queued on a worker and has not started yet. */
    private final AtomicBoolean trimQueued = new AtomicBoolean();

    PromptCache(long maxBytes, PromptMemory memory, PromptFetcher fetcher, Executor workers) {
        this.maxBytes = maxBytes;
        this.memory = memory;
        this.held = new HeldPrompts(memory);
        this.fetcher = fetcher;
        this.workers = workers;
    }

    /** A slot that fills with the prompt's audio (at once when cached). Its job releases it when it ends. */
    PromptSlot slot(Call call, MediaPrompt prompt) {
        PromptSlot slot = new PromptSlot();
        if (prompt.resourceId() == null || prompt.resourceId().isEmpty()) {
            workers.execute(() -> fill(slot, call.tenantId, prompt));
            return slot;
        }
        synchronized (clips) {
            Key key = key(call, prompt);
            Entry e = clips.get(key);
            if (e != null && e.clip != null) {
                e.hold(slot);
            } else if (e != null) {
                e.waiting.add(slot);
            } else {
                e = new Entry(key);
                try {
                    add(e);
                } catch (SwitchboardException full) {
                    slot.failed(full.getMessage());
                    return slot;
                }
                e.waiting.add(slot); // before the load starts: it may run on this thread
                start(e, prompt);
            }
        }
        return slot;
    }

    /**
     * Starts loading a prompt with a resourceId into the cache (preFetchMedia) unless it is there or on its way; the
     * returned future completes with the clip or the failure (which is not cached: a later play fetches again).
     */
    CompletableFuture<PcmClip> prefetch(Call call, MediaPrompt prompt) {
        synchronized (clips) {
            Key key = key(call, prompt);
            Entry e = clips.get(key);
            if (e == null) {
                e = new Entry(key);
                try {
                    add(e);
                } catch (SwitchboardException full) {
                    return CompletableFuture.failedFuture(full);
                }
                start(e, prompt);
            }
            return e.loaded;
        }
    }

    /** How many downloads were made (for metrics and tests). */
    long fetches() {
        return fetches.get();
    }

    /** Bytes of the entries cached now, their keys and clips (for tests). */
    long cachedBytes() {
        synchronized (clips) {
            return bytes;
        }
    }

    /** Entries cached now, loaded or loading (for tests). */
    int entries() {
        synchronized (clips) {
            return clips.size();
        }
    }

    /** What the entry of {@code prompt} in {@code call} costs besides its clip (for tests). */
    static long entryBytes(Call call, MediaPrompt prompt) {
        return key(call, prompt).bytes();
    }

    private static Key key(Call call, MediaPrompt prompt) {
        return new Key(call.tenantId, call.appId, prompt.resourceId(), prompt.uri().toString());
    }

    /**
     * Holding {@link #clips}: puts a new entry in, its cost taken from the memory (idle clips evicted for it if need
     * be).
     *
     * @throws SwitchboardException {@link PromptMemory#full} when it does not fit (nothing is taken or put)
     */
    private void add(Entry e) {
        take(e.key.tenantId(), e.cost);
        clips.put(e.key, e);
        bytes += e.cost;
    }

    /** Loads a new entry on a worker. Holding {@link #clips}. */
    private void start(Entry e, MediaPrompt prompt) {
        workers.execute(() -> load(e, prompt));
    }

    /** Worker: a prompt played without a resourceId, for its one slot. */
    private void fill(PromptSlot slot, String tenantId, MediaPrompt prompt) {
        PcmClip clip;
        try {
            clip = fetchAndDecode(tenantId, prompt);
        } catch (RuntimeException e) {
            slot.failed(message(e));
            return;
        }
        HeldPrompts.OwnClip own = new HeldPrompts.OwnClip(slot, clip.bytes());
        held.add(tenantId, own);
        slot.ready(clip, () -> {
            held.remove(tenantId, own);
            memory.give(tenantId, own.bytes());
        });
    }

    /** Worker: a cached prompt, for the slots waiting for it and later plays. */
    private void load(Entry e, MediaPrompt prompt) {
        PcmClip clip;
        try {
            clip = fetchAndDecode(e.key.tenantId(), prompt);
        } catch (RuntimeException ex) {
            List<PromptSlot> waiting;
            synchronized (clips) {
                if (clips.remove(e.key, e)) {
                    bytes -= e.cost;
                    memory.give(e.key.tenantId(), e.cost);
                }
                waiting = List.copyOf(e.waiting);
                e.waiting.clear();
            }
            String why = message(ex);
            waiting.forEach(s -> s.failed(why));
            e.loaded.completeExceptionally(ex);
            return;
        }
        synchronized (clips) {
            e.clip = clip;
            e.holders.set(1); // the cache's own
            for (PromptSlot s : e.waiting) {
                e.hold(s);
            }
            e.waiting.clear();
            held.add(e.key.tenantId(), e);
            bytes += clip.bytes();
            trimIdle();
        }
        e.loaded.complete(clip);
    }

    /**
     * Holding {@link #clips}: evicts idle clips, least recently used first, until the cache is within its bound. One
     * that plays stays (evicting it frees nothing and its next play would fetch it again); the cache may so stay over
     * its bound while prompts play, and is trimmed again as their slots let go ({@link Entry#drop}).
     */
    private void trimIdle() {
        Iterator<Entry> it = clips.values().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Entry old = it.next();
            if (old.clip != null && old.holders.get() == 1) {
                it.remove();
                evicted(old);
            }
        }
    }

    /** Queues one trim on a worker unless one is queued already; none once the workers are shut down. */
    private void queueTrim() {
        if (!trimQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                trimQueued.set(false); // before the scan: a clip let go after this queues the next trim
                synchronized (clips) {
                    trimIdle();
                }
            });
        } catch (RejectedExecutionException stopping) {
            trimQueued.set(false); // the server is stopping: its cache goes with it
        }
    }

    /** Downloads and decodes, holding the body's bytes in {@link #memory} until decoded; the clip's stay taken. */
    private PcmClip fetchAndDecode(String tenantId, MediaPrompt prompt) {
        fetches.incrementAndGet();
        PromptDownload body = new PromptDownload(n -> take(tenantId, n));
        try {
            byte[] wav = fetcher.fetch(tenantId, prompt.uri(), body::take);
            return WavDecoder.decode(wav, n -> take(tenantId, n));
        } finally {
            memory.give(tenantId, body.close());
        }
    }

    /**
     * Takes {@code n} bytes of prompt memory for {@code tenant}, evicting cached clips nothing plays if need be, then
     * making a larger tenant give way, or throws full.
     */
    private void take(String tenant, long n) {
        while (!memory.tryTake(tenant, n)) {
            if (!evictOneIdle() && !held.giveWayTo(tenant, n)) {
                throw memory.full(n);
            }
        }
    }

    /** Evicts the least recently used cached clip that no slot holds; false if there is none. */
    private boolean evictOneIdle() {
        synchronized (clips) {
            Iterator<Entry> it = clips.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.clip != null && e.holders.get() == 1) { // only the cache (a holder is added only under the lock)
                    it.remove();
                    evicted(e);
                    return true;
                }
            }
            return false;
        }
    }

    /** Holding {@link #clips}: a loaded entry left the map. */
    private void evicted(Entry e) {
        bytes -= e.cost + e.clip.bytes();
        memory.give(e.key.tenantId(), e.cost);
        e.drop();
    }

    static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof SwitchboardException ? t.getMessage() : "The prompt could not be loaded: " + t;
    }
}
