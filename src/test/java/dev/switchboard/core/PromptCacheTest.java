package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.ivr.RecordingStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompt cache: a prompt with a resourceId is fetched (the only I/O a prompt has: nothing of it is on disk) and
 * decoded once per app, however many plays and calls use it, prefetched or not; failures are not kept.
 */
class PromptCacheTest {
    private static final URI URI_A = URI.create("https://prompts.example/welcome.wav");

    private static Call call(String id, String appId) {
        return new Call(id, null, "tenant", appId, null, null, null, Instant.EPOCH);
    }

    private static byte[] wav() {
        return RecordingStore.wav(new short[1600], 16000);
    }

    @Test
    void aCachedPromptCostsOneFetchForEveryPlayOfEveryCallOfTheApp() {
        AtomicInteger fetches = new AtomicInteger();
        PromptCache cache = new PromptCache(1 << 20, uri -> {
            fetches.incrementAndGet();
            return wav();
        }, Runnable::run);
        MediaPrompt welcome = new MediaPrompt(URI_A, "welcome-v1");
        cache.prefetch(call("c0", "app"), welcome).join();
        for (int c = 0; c < 200; c++) {
            for (int play = 0; play < 5; play++) {
                cache.slot(call("c" + c, "app"), welcome);
            }
        }
        assertThat(fetches).as("1,000 plays in 200 calls").hasValue(1);
        assertThat(cache.fetches()).isEqualTo(1);
        cache.slot(call("other", "another-app"), welcome);
        assertThat(fetches).as("another app's resourceId is its own").hasValue(2);
        cache.slot(call("c0", "app"), new MediaPrompt(URI_A, null));
        cache.slot(call("c0", "app"), new MediaPrompt(URI_A, null));
        assertThat(fetches).as("without a resourceId, every play fetches").hasValue(4);
    }

    @Test
    void aFailedPrefetchIsNotKeptSoTheNextPlayFetchesAgain() {
        AtomicInteger fetches = new AtomicInteger();
        PromptCache cache = new PromptCache(1 << 20, uri -> {
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
}
