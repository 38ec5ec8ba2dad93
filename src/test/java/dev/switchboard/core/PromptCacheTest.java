package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.ivr.PromptMemory;
import dev.switchboard.media.ivr.PromptSlot;
import dev.switchboard.media.ivr.RecordingStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompt cache: a prompt with a resourceId is fetched (the only I/O a prompt has: nothing of it is on disk) and
 * decoded once per app, however many plays and calls use it, prefetched or not; failures are not kept. Every
 * download and decoded clip counts against the prompt memory, and all of it is given back when the plays are over.
 */
class PromptCacheTest {
    private static final URI URI_A = URI.create("https://prompts.example/welcome.wav");
    /** A 100 ms prompt at 16 kHz: 3,244 bytes of file, 3,200 bytes decoded. */
    private static final long FILE = 44 + 3200;
    private static final long CLIP = 3200;

    private static Call call(String id, String appId) {
        return new Call(id, null, "tenant", appId, null, null, null, Instant.EPOCH);
    }

    private static byte[] wav() {
        return RecordingStore.wav(new short[1600], 16000);
    }

    /** What the cache entry of {@code resourceId} at {@link #URI_A} costs besides its clip (in app "app"). */
    private static long entry(String resourceId) {
        return PromptCache.entryBytes(call("c", "app"), new MediaPrompt(URI_A, resourceId));
    }

    /** A fetcher that holds the file's size, as the real downloader does for a body with a Content-Length. */
    private static PromptFetcher serving(AtomicInteger fetches) {
        return (tenant, uri, hold) -> {
            fetches.incrementAndGet();
            byte[] wav = wav();
            hold.accept(wav.length);
            return wav;
        };
    }

    @Test
    void aCachedPromptCostsOneFetchForEveryPlayOfEveryCallOfTheApp() {
        AtomicInteger fetches = new AtomicInteger();
        PromptMemory memory = new PromptMemory(1 << 20);
        PromptCache cache = new PromptCache(1 << 20, memory, serving(fetches), Runnable::run);
        MediaPrompt welcome = new MediaPrompt(URI_A, "welcome-v1");
        cache.prefetch(call("c0", "app"), welcome).join();
        for (int c = 0; c < 200; c++) {
            for (int play = 0; play < 5; play++) {
                cache.slot(call("c" + c, "app"), welcome);
            }
        }
        assertThat(fetches).as("1,000 plays in 200 calls").hasValue(1);
        assertThat(cache.fetches()).isEqualTo(1);
        assertThat(memory.used()).as("one clip and its entry however many play it").isEqualTo(CLIP + entry("welcome-v1"));
        cache.slot(call("other", "another-app"), welcome);
        assertThat(fetches).as("another app's resourceId is its own").hasValue(2);
        cache.slot(call("c0", "app"), new MediaPrompt(URI_A, null));
        cache.slot(call("c0", "app"), new MediaPrompt(URI_A, null));
        assertThat(fetches).as("without a resourceId, every play fetches").hasValue(4);
    }

    @Test
    void aFailedPrefetchIsNotKeptSoTheNextPlayFetchesAgain() {
        AtomicInteger fetches = new AtomicInteger();
        PromptCache cache = new PromptCache(1 << 20, new PromptMemory(1 << 20), (tenant, uri, hold) -> {
            if (fetches.incrementAndGet() == 1) {
                throw SwitchboardException.badRequest("its server answered 404.");
            }
            return wav();
        }, Runnable::run);
        MediaPrompt late = new MediaPrompt(URI_A, "late");
        assertThat(cache.prefetch(call("c", "app"), late)).isCompletedExceptionally();
        cache.slot(call("c", "app"), late);
        cache.slot(call("c", "app"), late);
        assertThat(fetches).as("the failed prefetch, then one fetch for both plays").hasValue(2);
    }

    @Test
    void aPlayedPromptGivesItsMemoryBackWhenItsSlotIsReleasedAndTheDownloadOnceDecoded() {
        PromptMemory memory = new PromptMemory(1 << 20);
        PromptCache cache = new PromptCache(1 << 20, memory, serving(new AtomicInteger()), Runnable::run);
        PromptSlot once = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(memory.used()).as("the clip, not the file: that was given back once decoded").isEqualTo(CLIP);
        once.release();
        once.release();
        assertThat(memory.used()).as("released twice, given back once").isZero();

        PromptSlot a = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "r"));
        PromptSlot b = cache.slot(call("d", "app"), new MediaPrompt(URI_A, "r"));
        a.release();
        b.release();
        assertThat(memory.used()).as("still cached").isEqualTo(CLIP + entry("r"));
    }

    @Test
    void aPromptThatDoesNotFitFailsWithFullAndTakesNothing() {
        PromptMemory memory = new PromptMemory(2 * FILE + CLIP);
        PromptCache cache = new PromptCache(1 << 20, memory, serving(new AtomicInteger()), Runnable::run);
        PromptSlot first = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        PromptSlot second = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(memory.used()).isEqualTo(2 * CLIP);
        PromptSlot third = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(third.failure()).startsWith(PromptMemory.FULL);
        assertThat(memory.used()).as("the refused download gave back what it took").isEqualTo(2 * CLIP);
        assertThat(memory.refusals()).isEqualTo(1);
        first.release();
        second.release();
        PromptSlot again = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(again.failure()).isNull();
        assertThat(memory.used()).isEqualTo(CLIP);
    }

    @Test
    void cachedPromptsNothingPlaysAreEvictedToMakeRoomThoseThatPlayAreNot() {
        long entries = entry("playing") + entry("idle-1") + entry("idle-2");
        PromptMemory memory = new PromptMemory(3 * CLIP + entries + FILE);
        PromptCache cache = new PromptCache(1 << 20, memory, serving(new AtomicInteger()), Runnable::run);
        PromptSlot playing = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "playing"));
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "idle-1")).release();
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "idle-2")).release();
        assertThat(memory.used()).isEqualTo(3 * CLIP + entries);
        PromptSlot fresh = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "fresh"));
        assertThat(fresh.failure()).isNull();
        assertThat(memory.used()).as("idle-1 made room").isLessThanOrEqualTo(3 * CLIP + entries);
        PromptSlot more = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "more"));
        PromptSlot full = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "full"));
        assertThat(List.of(more, full)).filteredOn(s -> s.failure() != null).as("the playing ones stay").hasSize(1);
        playing.release();
        fresh.release();
        more.release();
        full.release();
        PromptSlot afterwards = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "afterwards"));
        assertThat(afterwards.failure()).isNull();
    }

    /**
     * Past the cache's own bound, the least recently used idle prompts go; one that plays stays cached (evicting it
     * would free nothing, since its slot holds the clip, and its next play would fetch it again).
     */
    @Test
    void theCacheBoundEvictsIdlePromptsNotOneThatPlays() {
        AtomicInteger fetches = new AtomicInteger();
        long bound = 2 * (CLIP + entry("playing"));
        PromptCache cache = new PromptCache(bound, new PromptMemory(1 << 20), serving(fetches), Runnable::run);
        PromptSlot playing = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "playing"));
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "idle-1")).release();
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "idle-2")).release(); // past the bound: idle-1 goes
        assertThat(fetches).hasValue(3);
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "playing")).release();
        assertThat(fetches).as("the playing one was kept").hasValue(3);
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "idle-1")).release();
        assertThat(fetches).as("the idle one was evicted").hasValue(4);
        playing.release();
    }

    /** Prompts that all play leave the cache over its bound; once they stop, it is trimmed back to it. */
    @Test
    void aCacheLeftOverItsBoundByPlayingPromptsIsTrimmedWhenTheyStop() {
        AtomicInteger fetches = new AtomicInteger();
        PromptMemory memory = new PromptMemory(1 << 20);
        long bound = 2 * (CLIP + entry("p0"));
        ConcurrentLinkedQueue<Runnable> later = new ConcurrentLinkedQueue<>();
        PromptCache cache = new PromptCache(bound, memory, serving(fetches), later::add);
        List<PromptSlot> playing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            playing.add(cache.slot(call("c", "app"), new MediaPrompt(URI_A, "p" + i)));
            runAll(later);
        }
        assertThat(cache.cachedBytes()).as("four play: none can go").isEqualTo(4 * (CLIP + entry("p0")));
        playing.remove(0).release();
        runAll(later);
        assertThat(cache.cachedBytes()).as("p0 stopped: evicted").isEqualTo(3 * (CLIP + entry("p0")));
        playing.forEach(PromptSlot::release);
        runAll(later);
        assertThat(cache.cachedBytes()).as("all stopped: back within the bound").isLessThanOrEqualTo(bound);
        assertThat(memory.used()).isEqualTo(cache.cachedBytes());
        cache.slot(call("c", "app"), new MediaPrompt(URI_A, "p3")).release();
        assertThat(fetches).as("the most recently used one stayed cached").hasValue(4);
    }

    private static void runAll(ConcurrentLinkedQueue<Runnable> tasks) {
        for (Runnable r; (r = tasks.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aSlotReleasedBeforeItsClipCameGivesTheClipBackAtOnce() {
        PromptMemory memory = new PromptMemory(1 << 20);
        ConcurrentLinkedQueue<Runnable> later = new ConcurrentLinkedQueue<>();
        PromptCache cache = new PromptCache(1 << 20, memory, serving(new AtomicInteger()), later::add);
        PromptSlot uncached = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        PromptSlot cached = cache.slot(call("c", "app"), new MediaPrompt(URI_A, "r"));
        uncached.release(); // the call hung up while both downloaded
        cached.release();
        later.forEach(Runnable::run);
        assertThat(memory.used()).as("only the cache's own copy").isEqualTo(CLIP + entry("r"));
    }

    @Test
    void aDownloadRefusedHalfWayGivesBackWhatItTook() {
        PromptMemory memory = new PromptMemory(10_000);
        PromptCache cache = new PromptCache(1 << 20, memory, (tenant, uri, hold) -> {
            for (int piece = 0; piece < 100; piece++) {
                hold.accept(1000); // a body without a Content-Length, in pieces
            }
            return wav();
        }, Runnable::run);
        PromptSlot slot = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(slot.failure()).startsWith(PromptMemory.FULL);
        assertThat(memory.used()).isZero();
    }

    @Test
    void aDownloadStillReceivingAfterItsFetchGaveUpTakesNothingMore() {
        PromptMemory memory = new PromptMemory(1 << 20);
        java.util.concurrent.atomic.AtomicReference<java.util.function.LongConsumer> late = new java.util.concurrent.atomic.AtomicReference<>();
        PromptCache cache = new PromptCache(1 << 20, memory, (tenant, uri, hold) -> {
            hold.accept(1000);
            late.set(hold); // the HTTP client's thread goes on receiving after the timeout
            throw SwitchboardException.badRequest("The media at '" + uri + "' cannot be used: it was not downloaded within 15 s.");
        }, Runnable::run);
        PromptSlot slot = cache.slot(call("c", "app"), new MediaPrompt(URI_A, null));
        assertThat(slot.failure()).contains("within 15 s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> late.get().accept(5000))
                .isInstanceOf(IllegalStateException.class);
        assertThat(memory.used()).isZero();
    }

    /** A prompt of one sample (2 bytes of audio) under a resourceId of 256 characters, the longest a body may give. */
    private static MediaPrompt tiny(int i) {
        return new MediaPrompt(URI.create("https://prompts.example/tiny.wav"), "%0256d".formatted(i));
    }

    /** A fetcher of {@link #tiny} prompts: a 46-byte WAV, held as the real downloader holds it. */
    private static PromptFetcher servingTiny(AtomicInteger fetches) {
        return (tenant, uri, hold) -> {
            fetches.incrementAndGet();
            byte[] wav = RecordingStore.wav(new short[1], 16000);
            hold.accept(wav.length);
            return wav;
        };
    }

    /**
     * 20,000 prompts of 2 bytes of audio under as many resourceIds (preFetchMedia makes 100 a create): their keys and
     * bookkeeping count, so they fill the prompt memory as bigger prompts would; idle ones are evicted, least recently
     * used first, and the one still playing is kept. Before, each counted its 2 bytes: all 20,000 stayed, their keys
     * (half a kilobyte each) seen by no bound.
     */
    @Test
    void tinyPromptsUnderEverNewResourceIdsStayWithinThePromptMemoryIdleOnesEvictedOneInUseKept() {
        AtomicInteger fetches = new AtomicInteger();
        PromptMemory memory = new PromptMemory(256 << 10);
        PromptCache cache = new PromptCache(1 << 30, memory, servingTiny(fetches), Runnable::run);
        PromptSlot playing = cache.slot(call("c", "app"), tiny(-1));
        assertThat(playing.failure()).isNull();
        long perEntry = PromptCache.entryBytes(call("c", "app"), tiny(0));
        assertThat(perEntry).as("its key and bookkeeping").isGreaterThan(2 * 256 + PromptCache.ENTRY_OVERHEAD);

        for (int i = 0; i < 20_000; i++) {
            assertThat(cache.prefetch(call("c" + i, "app"), tiny(i))).as("prefetch %d", i).isCompleted()
                    .isNotCompletedExceptionally();
            assertThat(memory.used()).isLessThanOrEqualTo(memory.limit());
        }
        assertThat(cache.entries()).as("entries cached").isBetween(100, (int) (memory.limit() / perEntry));
        assertThat(memory.used()).as("the playing one is cached, so counted once").isEqualTo(cache.cachedBytes());
        assertThat(memory.refusals()).as("idle entries always made room").isZero();

        int before = fetches.get();
        PromptSlot again = cache.slot(call("c", "app"), tiny(-1));
        assertThat(again.failure()).isNull();
        assertThat(fetches.get()).as("the one in use was not evicted: played again without a fetch").isEqualTo(before);
        cache.slot(call("c", "app"), tiny(19_999)).release();
        assertThat(fetches.get()).as("the most recent is still cached").isEqualTo(before);
        cache.slot(call("c", "app"), tiny(0)).release();
        assertThat(fetches.get()).as("the oldest idle one was evicted").isEqualTo(before + 1);
        playing.release();
        again.release();
        assertThat(memory.used()).isEqualTo(cache.cachedBytes());
    }

    /** The cache's own bound counts the entries too: 20,000 tiny prompts cached in 64 KiB are a few dozen, not all. */
    @Test
    void theCacheBoundCountsEachEntrysKeyAndBookkeeping() {
        PromptMemory memory = new PromptMemory(1 << 30);
        PromptCache cache = new PromptCache(64 << 10, memory, servingTiny(new AtomicInteger()), Runnable::run);
        for (int i = 0; i < 20_000; i++) {
            cache.prefetch(call("c", "app"), tiny(i)).join();
        }
        long perEntry = PromptCache.entryBytes(call("c", "app"), tiny(0));
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(64 << 10);
        assertThat(cache.entries()).isBetween(10, (int) ((64 << 10) / perEntry));
        assertThat(memory.used()).as("nothing plays: the cache is all there is").isEqualTo(cache.cachedBytes());
    }

    /**
     * Eight threads play, release and prefetch 40 prompts (half cached) against a memory that fits a few: memory is
     * never over its bound, and once every slot is released only the cached clips are left.
     */
    @Test
    void underConcurrentPlaysTheMemoryIsNeverOverItsBoundAndComesBack() throws Exception {
        PromptMemory memory = new PromptMemory(12 * CLIP);
        AtomicLong over = new AtomicLong();
        PromptFetcher fetcher = (tenant, uri, hold) -> {
            byte[] wav = wav();
            hold.accept(wav.length);
            if (memory.used() > memory.limit()) {
                over.incrementAndGet();
            }
            return wav;
        };
        ExecutorService workers = Executors.newFixedThreadPool(4);
        PromptCache cache = new PromptCache(6 * CLIP, memory, fetcher, workers);
        List<PromptSlot> all = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService players = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            long seed = t;
            players.execute(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                List<PromptSlot> mine = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    int n = random.nextInt(40);
                    MediaPrompt p = new MediaPrompt(URI.create("https://prompts.example/" + n + ".wav"), n % 2 == 0 ? "r" + n : null);
                    switch (random.nextInt(3)) {
                        case 0 -> cache.prefetch(call("c", "app"), new MediaPrompt(p.uri(), "r" + n));
                        case 1 -> mine.add(cache.slot(call("c" + seed, "app"), p));
                        default -> {
                            if (!mine.isEmpty()) {
                                mine.remove(random.nextInt(mine.size())).release();
                            }
                        }
                    }
                }
                all.addAll(mine);
            });
        }
        players.shutdown();
        assertThat(players.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        all.forEach(PromptSlot::release);
        workers.shutdown();
        assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(over).hasValue(0);
        assertThat(memory.used()).as("every slot released: the cached clips alone").isEqualTo(cache.cachedBytes())
                .isLessThanOrEqualTo(6 * CLIP);
    }

    @Test
    void aTenantHoldingMoreGivesWayWithAQueuedPromptOnlyWhileItStillHoldsAtLeastAsMuchAfter() {
        for (int held = 3; held <= 4; held++) {
            PromptMemory memory = new PromptMemory(held * CLIP + FILE);
            PromptCache cache = new PromptCache(1 << 20, memory, serving(new AtomicInteger()), Runnable::run);
            List<PromptSlot> queued = new ArrayList<>();
            for (int i = 0; i <= held; i++) {
                queued.add(cache.slot(tenantCall("a"), new MediaPrompt(URI_A, null)));
            }
            assertThat(queued.getLast().failure()).as("a's own prompt past the memory").startsWith(PromptMemory.FULL)
                    .doesNotContain("gave");
            assertThat(memory.heldBy("a")).isEqualTo(held * CLIP);

            PromptSlot b = cache.slot(tenantCall("b"), new MediaPrompt(URI_A, null));
            if (held == 3) {
                assertThat(b.failure()).as("a (9,600) giving a clip would hold less than b (6,444): b is refused")
                        .startsWith(PromptMemory.FULL).doesNotContain("gave");
                assertThat(queued.subList(0, held)).allMatch(s -> s.failure() == null);
            } else {
                assertThat(b.failure()).as("a holds 12,800: one clip gives way, a keeps 9,600 >= b's 6,444").isNull();
                assertThat(queued.subList(0, held)).filteredOn(s -> s.failure() != null).hasSize(1)
                        .allMatch(s -> PromptMemory.GAVE_WAY.equals(s.failure()));
                assertThat(memory.heldBy("a")).isEqualTo((held - 1) * CLIP);
                assertThat(memory.heldBy("b")).isEqualTo(CLIP);
            }
            queued.forEach(PromptSlot::release);
            b.release();
            assertThat(memory.used()).isZero();
        }
    }

    private static Call tenantCall(String tenant) {
        return new Call("c-" + tenant, null, tenant, "app", null, null, null, Instant.EPOCH);
    }
}
