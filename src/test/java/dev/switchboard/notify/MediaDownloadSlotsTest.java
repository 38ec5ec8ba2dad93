package dev.switchboard.notify;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.StallingHttpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Media downloads are bounded server-wide (docs/ivr-media.md, "Prompts"): against a media server that accepts and
 * never answers, no more than the bound hold a connection at once; the rest wait without one and go ahead as slots
 * free; one that gets no slot before its deadline fails as a timed-out download fails, saying it waited for a slot.
 * A real HTTP server on loopback, the real JDK client and policy: the connections counted are the server's.
 */
class MediaDownloadSlotsTest {
    private static final byte[] BODY = "RIFF....WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final CallbackUriPolicy LOOPBACK = new CallbackUriPolicy(NotifierSettings.defaults());

    @Test
    void noMoreThanTheBoundAreOpenAtOnceAndTheRestGoAheadAsSlotsFree() throws Exception {
        int bound = 8;
        int downloads = 3 * bound;
        DownloadSlots slots = new DownloadSlots(bound);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        try (StallingHttpServer media = new StallingHttpServer();
             MediaDownloader downloader = new MediaDownloader(LOOPBACK, 1 << 20, Duration.ofSeconds(60), slots, workers)) {
            List<CompletableFuture<byte[]>> all = new ArrayList<>();
            for (int i = 0; i < downloads; i++) {
                URI uri = URI.create(media.url("/p" + i + ".wav"));
                all.add(CompletableFuture.supplyAsync(() -> downloader.get(uri), workers));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> media.accepted() == bound && slots.waiting() == downloads - bound);
            Thread.sleep(500); // long enough for a 9th connection to be accepted, were it made
            assertThat(media.accepted()).as("connections while every download stalls").isEqualTo(bound);
            assertThat(slots.inFlight()).isEqualTo(bound);
            assertThat(slots.waiting()).isEqualTo(downloads - bound);

            for (int i = 0; i < downloads; i++) { // each answer frees a slot for one that waited
                assertThat(media.answerOne(BODY, 30)).as("stalled request %d reached the server", i).isTrue();
            }
            for (CompletableFuture<byte[]> f : all) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(BODY);
            }
            assertThat(media.accepted()).as("every download connected in the end").isEqualTo(downloads);
            assertThat(media.mostOpen()).as("connections open at once, ever").isEqualTo(bound);
            assertThat(slots.inFlight()).isZero();
            assertThat(slots.waiting()).isZero();
            assertThat(slots.gaveUp()).isZero();
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aDownloadThatGetsNoSlotBeforeItsDeadlineFailsAsATimedOutDownloadFails() throws Exception {
        DownloadSlots slots = new DownloadSlots(2);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        try (StallingHttpServer media = new StallingHttpServer();
             MediaDownloader slow = new MediaDownloader(LOOPBACK, 1 << 20, Duration.ofSeconds(60), slots, workers);
             MediaDownloader quick = new MediaDownloader(LOOPBACK, 1 << 20, Duration.ofSeconds(1), slots, workers)) {
            List<CompletableFuture<byte[]>> holding = new ArrayList<>();
            for (int i = 0; i < 2; i++) { // both slots held by downloads with a later deadline
                URI uri = URI.create(media.url("/held" + i + ".wav"));
                holding.add(CompletableFuture.supplyAsync(() -> slow.get(uri), workers));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> media.accepted() == 2);

            URI waiting = URI.create(media.url("/waiting.wav"));
            long start = System.nanoTime();
            SwitchboardException noSlot = catchThrowableOfType(SwitchboardException.class, () -> quick.get(waiting));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(noSlot).as("a download that got no slot").isNotNull();
            assertThat(tookMillis).as("it waited until its deadline").isBetween(900L, 10_000L);
            assertThat(media.accepted()).as("it never connected").isEqualTo(2);
            assertThat(slots.gaveUp()).isEqualTo(1);

            for (int i = 0; i < 2; i++) {
                assertThat(media.answerOne(BODY, 30)).isTrue();
            }
            for (CompletableFuture<byte[]> f : holding) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(BODY);
            }
            URI stalls = URI.create(media.url("/stalls.wav"));
            SwitchboardException timedOut = catchThrowableOfType(SwitchboardException.class, () -> quick.get(stalls));
            assertThat(timedOut).as("a download that got a slot and timed out").isNotNull();

            assertThat(noSlot.code()).isEqualTo(timedOut.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(timedOut.getMessage()).isEqualTo("The media at '" + stalls + "' cannot be used: it was not"
                    + " downloaded within 1 s.");
            assertThat(noSlot.getMessage()).as("the same failure (so the same 400/8536), and why")
                    .isEqualTo("The media at '" + waiting + "' cannot be used: it was not downloaded within 1 s: it"
                            + " waited all that time for a download slot (the server downloads at most 2 media files at"
                            + " once).");
            await().atMost(Duration.ofSeconds(10)).until(() -> media.open() == 0); // the timed-out one hung up
            assertThat(media.mostOpen()).isEqualTo(2);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void theTimeSpentWaitingForASlotCountsAgainstTheDeadline() throws Exception {
        DownloadSlots slots = new DownloadSlots(1);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        try (StallingHttpServer media = new StallingHttpServer();
             MediaDownloader slow = new MediaDownloader(LOOPBACK, 1 << 20, Duration.ofSeconds(60), slots, workers);
             MediaDownloader quick = new MediaDownloader(LOOPBACK, 1 << 20, Duration.ofSeconds(5), slots, workers)) {
            URI held = URI.create(media.url("/held.wav"));
            CompletableFuture<byte[]> holder = CompletableFuture.supplyAsync(() -> slow.get(held), workers);
            await().atMost(Duration.ofSeconds(30)).until(() -> media.accepted() == 1);
            URI late = URI.create(media.url("/late.wav"));
            CompletableFuture<byte[]> waiter = CompletableFuture.supplyAsync(() -> quick.get(late), workers);
            await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting() == 1);
            Thread.sleep(1500); // it waits at least this long for the slot, within its 5 s
            assertThat(media.answerOne(BODY, 30)).isTrue(); // the slot frees; the next one connects and stalls
            assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo(BODY);

            Throwable failed = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                    () -> waiter.get(30, TimeUnit.SECONDS)).getCause();
            assertThat(media.accepted()).as("it connected once it had the slot").isEqualTo(2);
            assertThat(failed).isInstanceOf(SwitchboardException.class);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("The media at '" + java.util.regex.Pattern.quote(
                    late.toString()) + "' cannot be used: it was not downloaded within 5 s \\((\\d+\\.\\d) s of them waiting"
                    + " for a download slot\\)\\.").matcher(failed.getMessage());
            assertThat(m.matches()).as(failed.getMessage()).isTrue();
            // 5 s in all, its 1.5 s or more of waiting among them (not the wait and 5 s more): the deadline's own count
            assertThat(Double.parseDouble(m.group(1))).isBetween(1.5, 5.0);
            assertThat(slots.gaveUp()).isZero();
        } finally {
            workers.shutdownNow();
        }
    }
}
