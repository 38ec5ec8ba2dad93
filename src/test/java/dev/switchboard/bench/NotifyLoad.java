package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.notify.CallbackTokenSigner;
import dev.switchboard.notify.NotificationKey;
import dev.switchboard.notify.NotificationKeys;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationVerifier;
import dev.switchboard.notify.NotifierSettings;
import dev.switchboard.notify.OutboundNotification;
import dev.switchboard.notify.RsaCallbackSigner;
import dev.switchboard.notify.WebhookNotifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Load harness: roster notifications from N calls at a total rate to a loopback bot (the JDK HTTP server), through
 * the real {@link WebhookNotifier} with real RS256 signing; the bot verifies every token and body hash.
 * Reports latency from enqueue to the bot answering 2xx (measured at the bot, same clock), loss, duplicates,
 * order, queue depth and old-generation heap after GC over time. Bounded in time; loopback only.
 *
 * <p>Run: {@code bench/notify-load [--calls 100] [--rate 1000] [--seconds 20] [--signer rs256|es256|none]} ({@code none}
 * isolates the pipeline from signing and verification cost; rs256 is the embedded authority's default, es256 its
 * {@code --callback-signing es256}; both sign with the authority's own {@code CallbackTokens}). Exit status 1 when a target is missed
 * (p99 >= 50 ms, any loss, any reordering).
 */
public final class NotifyLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final byte[] MARK = "\"benchNanos\":".getBytes(StandardCharsets.US_ASCII);
    /** Latency histogram: 0.1 ms buckets up to 2 s. */
    private static final int BUCKETS = 20_000;

    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong badTokens = new AtomicLong();
    private final AtomicLongArray lastSequence;
    private final AtomicLongArray lastPostSequence;
    private final AtomicLong posts = new AtomicLong();
    private final NotificationVerifier verifier;
    /**
     * The bot verifies the token and body hash of every Nth POST (default every one). The bot shares the 2 cores with
     * the notifier, and an ES256 check costs it about 0.5 ms: sampling shows the notifier's own latency.
     */
    private static int verifyEvery = 1;
    private static final NotificationKey BENCH_KEY = new NotificationKey("bench", new byte[32]);
    private final AtomicLong postsSeenByBot = new AtomicLong();
    private volatile boolean measuring;

    private NotifyLoad(int calls, NotificationVerifier verifier) {
        this.lastSequence = new AtomicLongArray(calls);
        this.lastPostSequence = new AtomicLongArray(calls);
        this.verifier = verifier;
    }

    public static void main(String[] args) throws Exception {
        int calls = intArg(args, "--calls", 100);
        int rate = intArg(args, "--rate", 1000);
        int seconds = intArg(args, "--seconds", 20);
        int warmup = intArg(args, "--warmup", 3);
        int participants = intArg(args, "--participants", 5);
        String signer = stringArg(args, "--signer", "rs256");
        verifyEvery = intArg(args, "--verify-every", 1);
        System.exit(run(calls, rate, seconds, warmup, participants, signer) ? 0 : 1);
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }

    private static boolean run(int calls, int rate, int seconds, int warmup, int participants, String signerName)
            throws Exception {
        CallbackTokenSigner signer;
        JWKSet jwks;
        NotificationKey botKey = BENCH_KEY;
        if (signerName.equals("none")) {
            // isolates the delivery pipeline from crypto: a constant token, and the bot does not verify
            signer = new CallbackTokenSigner() {
                @Override
                public dev.switchboard.notify.CallbackToken issue(String tenantId, String botAppId) {
                    java.time.Instant now = java.time.Instant.now();
                    return new dev.switchboard.notify.CallbackToken("unsigned", now, now.plusSeconds(300));
                }

                @Override
                public NotificationKey notificationKey(String tenantId, String botAppId) {
                    return BENCH_KEY;
                }
            };
            jwks = null;
        } else {
            // the embedded authority's own signer and key (RS256 by default, ES256 with --callback-signing es256)
            dev.switchboard.auth.CallbackSigningKey key = dev.switchboard.auth.CallbackSigningKey.loadOrCreate(
                    java.nio.file.Files.createTempDirectory("notify-load-key"), dev.switchboard.auth.CallbackAlgorithm.parse(signerName));
            dev.switchboard.auth.CallbackTokens tokens = new dev.switchboard.auth.CallbackTokens(key, java.time.Clock.systemUTC(),
                    "https://api.botframework.com", java.time.Duration.ofMinutes(5));
            signer = new CallbackTokenSigner() {
                @Override
                public dev.switchboard.notify.CallbackToken issue(String tenantId, String botAppId) {
                    dev.switchboard.auth.CallbackTokens.Signed t = tokens.issue(tenantId, botAppId);
                    return new dev.switchboard.notify.CallbackToken(t.jwt(), t.issuedAt(), t.expiresAt());
                }

                @Override
                public NotificationKey notificationKey(String tenantId, String botAppId) {
                    dev.switchboard.auth.CallbackTokens.NotificationKeyMaterial k = tokens.notificationKey(tenantId, botAppId);
                    return new NotificationKey(k.kid(), k.secret());
                }
            };
            botKey = signer.notificationKey(TENANT, APP);
            jwks = new JWKSet(key.publicJwk());
        }
        NotifyLoad load = new NotifyLoad(calls, jwks == null ? null
                : NotificationVerifier.forJwkSet(jwks, APP, NotificationVerifier.DEFAULT_ISSUERS, NotificationKeys.of(botKey)));
        HttpServer bot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        AtomicLong botThreadNo = new AtomicLong();
        ExecutorService botThreads = Executors.newFixedThreadPool(4, r -> new Thread(r, "bot-" + botThreadNo.incrementAndGet()));
        bot.setExecutor(botThreads);
        bot.createContext("/", load::handle);
        bot.start();
        URI callback = URI.create("http://127.0.0.1:" + bot.getAddress().getPort() + "/api/calls");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NotifierSettings settings = NotifierSettings.defaults();
        System.out.printf("notify-load: calls=%d rate=%d/s seconds=%d (+%d warm-up) participants=%d signer=%s verifyEvery=%d workers=%d cores=%d load=%.1f%n",
                calls, rate, seconds, warmup, participants, signerName, verifyEvery, settings.workerThreads(),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        java.util.Map<String, Long> cpuAtStart = java.util.Map.of();
        long receivedAtStart = 0;
        long postsAtStart = 0;
        long[] sentPerCall = new long[calls];
        long sent = 0;
        long maxDepth = 0;
        List<String> heapSamples = new ArrayList<>();
        try (WebhookNotifier notifier = new WebhookNotifier(settings, signer, meters)) {
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            long nextSample = measureFrom;
            int nextCall = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (!load.measuring && now >= measureFrom) {
                    System.gc(); // once, at the start of the measured window: the baseline for "memory flat"
                    heapSamples.add(String.format("start heapAfterFullGC=%.1f MB",
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6));
                    load.reset();
                    load.measuring = true;
                    cpuAtStart = cpuByRole();
                    receivedAtStart = load.totalReceived();
                    postsAtStart = load.posts.get();
                }
                long due = (now - start) * rate / 1_000_000_000L;
                while (sent < due) {
                    int c = nextCall;
                    nextCall = (nextCall + 1) % calls;
                    long seq = ++sentPerCall[c];
                    notifier.enqueue(roster(c, seq, participants, callback));
                    sent++;
                }
                double depth = meters.find("switchboard.notify.queue.depth").gauge().value();
                maxDepth = Math.max(maxDepth, (long) depth);
                if (now >= nextSample) {
                    heapSamples.add(String.format("t=%ds heapAfterLastGC=%s depth=%d", TimeUnit.NANOSECONDS.toSeconds(now - measureFrom),
                            heapAfterLastGc(), (long) depth));
                    nextSample += TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 5));
                }
                TimeUnit.MICROSECONDS.sleep(500);
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (load.totalReceived() < sent && System.nanoTime() < waitUntil) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            java.util.Map<String, Long> cpuAtEnd = cpuByRole();
            long n = load.totalReceived() - receivedAtStart;
            long np = load.posts.get() - postsAtStart;
            StringBuilder cpu = new StringBuilder("  cpu per notification (measured window, by thread role):");
            for (var e : cpuAtEnd.entrySet()) {
                long used = e.getValue() - cpuAtStart.getOrDefault(e.getKey(), 0L);
                cpu.append(String.format(" %s=%.0fus", e.getKey(), used / 1e3 / Math.max(1, n)));
            }
            long signing = cpuAtEnd.getOrDefault("notifier", 0L) - cpuAtStart.getOrDefault("notifier", 0L);
            cpu.append(String.format(" | notifier cpu per POST=%.0fus", signing / 1e3 / Math.max(1, np)));
            System.out.println(cpu);
            heapSamples.add("end heapAfterLastGC=" + heapAfterLastGc());
            System.gc();
            heapSamples.add(String.format("end heapAfterFullGC=%.1f MB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6));
            boolean ok = load.report(sent, maxDepth, meters);
            heapSamples.forEach(s -> System.out.println("  memory " + s));
            return ok;
        } finally {
            bot.stop(0);
            botThreads.shutdownNow();
        }
    }

    /** CPU time so far of the live threads, by role: notifier workers (sign, build, complete), HTTP client, bot, driver. */
    private static java.util.Map<String, Long> cpuByRole() {
        var threads = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (var info : threads.dumpAllThreads(false, false)) {
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t < 0) {
                continue;
            }
            String name = info.getThreadName();
            String role = name.startsWith("notify-") ? "notifier" : name.startsWith("HttpClient") ? "httpclient"
                    : name.startsWith("bot-") || name.startsWith("HTTP-Dispatcher") ? "bot" : name.equals("main") ? "driver" : "other";
            out.merge(role, t, Long::sum);
        }
        return out;
    }

    /** Heap in use right after the most recent garbage collection (all pools), i.e. what survived it. */
    private static String heapAfterLastGc() {
        long latestEnd = -1;
        long used = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean sun && sun.getLastGcInfo() != null
                    && sun.getLastGcInfo().getEndTime() > latestEnd) {
                latestEnd = sun.getLastGcInfo().getEndTime();
                used = sun.getLastGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
            }
        }
        return latestEnd < 0 ? "n/a" : String.format("%.1fMB", used / 1e6);
    }

    /** A full roster of the call, as the call engine builds it, plus the enqueue time for the bot to measure. */
    private static OutboundNotification roster(int call, long seq, int participants, URI callback) {
        String callId = "bench-call-" + call;
        ObjectNode item = JSON.createObjectNode();
        item.put("@odata.type", "#microsoft.graph.commsNotification");
        item.put("changeType", "updated");
        item.put("resourceUrl", "/communications/calls/" + callId + "/participants");
        ArrayNode data = item.putArray("resourceData");
        for (int i = 0; i < participants; i++) {
            ObjectNode p = data.addObject();
            p.put("@odata.type", "#microsoft.graph.participant");
            p.put("id", callId + "-participant-" + i);
            ObjectNode user = p.putObject("info").putObject("identity").putObject("user");
            user.put("displayName", "Participant " + i);
            user.put("id", "user-" + i);
            ObjectNode stream = p.putArray("mediaStreams").addObject();
            stream.put("mediaType", "audio");
            stream.put("label", "main-audio");
            stream.put("sourceId", Integer.toString(i + 1));
            stream.put("direction", "sendReceive");
            stream.put("serverMuted", seq % 2 == 0 && i == 0);
            p.put("isMuted", seq % 2 == 0 && i == 0);
            p.put("isInLobby", false);
        }
        item.put("rosterSequenceNumber", seq); // these three in this order: the bot scans for them
        item.put("benchCall", call);
        item.put("benchNanos", System.nanoTime());
        try { // rendered by the producer, as the graph renderer does for the engine
            return new OutboundNotification(callId, TENANT, APP, callback, NotificationKind.ROSTER,
                    "/communications/calls/" + callId + "/participants", false, JSON.writeValueAsBytes(item));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void reset() {
        for (int i = 0; i <= BUCKETS; i++) {
            histogram.set(i, 0);
        }
        maxLatencyNanos.set(0);
    }

    private long totalReceived() {
        return received.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        try {
            if (verifier != null && postsSeenByBot.getAndIncrement() % verifyEvery == 0) {
                verifier.verify(ex.getRequestHeaders()::getFirst, body);
            }
        } catch (Exception e) {
            badTokens.incrementAndGet();
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        long postSeq = Long.parseLong(ex.getRequestHeaders().getFirst(WebhookNotifier.SEQUENCE_HEADER));
        String text = new String(body, StandardCharsets.UTF_8);
        long now = System.nanoTime();
        int from = 0;
        int items = 0;
        while ((from = text.indexOf("\"rosterSequenceNumber\":", from)) >= 0) {
            long seq = number(text, from + "\"rosterSequenceNumber\":".length());
            int c = (int) number(text, text.indexOf("\"benchCall\":", from) + "\"benchCall\":".length());
            long enqueued = number(text, text.indexOf("\"benchNanos\":", from) + "\"benchNanos\":".length());
            from++;
            items++;
            if (items == 1) {
                long prevPost = lastPostSequence.getAndSet(c, postSeq);
                if (postSeq == prevPost) {
                    duplicates.incrementAndGet();
                } else if (postSeq != prevPost + 1) {
                    outOfOrder.incrementAndGet();
                }
            }
            long prev = lastSequence.getAndSet(c, seq);
            if (seq != prev + 1) {
                outOfOrder.incrementAndGet();
            }
            received.incrementAndGet();
            long latency = now - enqueued;
            if (measuring) {
                histogram.incrementAndGet((int) Math.min(BUCKETS, latency / 100_000));
                maxLatencyNanos.accumulateAndGet(latency, Math::max);
            }
        }
        posts.incrementAndGet();
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    private static long number(String s, int at) {
        int j = at;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '-')) {
            j++;
        }
        return Long.parseLong(s.substring(at, j));
    }

    private double histogramPercentileMs(double p) {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            total += histogram.get(i);
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= rank && rank > 0) {
                return (i + 1) / 10.0;
            }
        }
        return Double.NaN;
    }

    private boolean report(long sent, long maxDepth, SimpleMeterRegistry meters) {
        long lost = sent - received.get();
        double p50 = histogramPercentileMs(0.50);
        double p99 = histogramPercentileMs(0.99);
        double p999 = histogramPercentileMs(0.999);
        double giveUps = meters.find("switchboard.notify.giveups").counters().stream().mapToDouble(Counter::count).sum();
        double retries = meters.find("switchboard.notify.retries").counters().stream().mapToDouble(Counter::count).sum();
        System.out.printf("  sent=%d received=%d lost=%d posts=%d (%.2f notifications/POST) duplicates=%d outOfOrder=%d badTokens=%d giveUps=%.0f retries=%.0f maxQueueDepth=%d%n",
                sent, received.get(), lost, posts.get(), received.get() / (double) Math.max(1, posts.get()), duplicates.get(),
                outOfOrder.get(), badTokens.get(), giveUps, retries, maxDepth);
        System.out.printf("  latency enqueue->bot 2xx (measured at the bot): p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms%n",
                p50, p99, p999, maxLatencyNanos.get() / 1e6);
        Timer t = meters.find("switchboard.notify.delivery.latency").timer();
        System.out.printf("  notifier timer switchboard.notify.delivery.latency (whole run, enqueue->2xx seen by the notifier): count=%d mean=%.1fms max=%.1fms%n",
                t.count(), t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS));
        boolean ok = p99 < 50 && lost == 0 && outOfOrder.get() == 0 && badTokens.get() == 0;
        System.out.println(ok ? "  RESULT PASS (p99 < 50 ms, no loss, in order)" : "  RESULT FAIL");
        return ok;
    }
}
