package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationVerifier;
import dev.switchboard.notify.NotifierSettings;
import dev.switchboard.notify.OutboundNotification;
import dev.switchboard.notify.RsaCallbackSigner;
import dev.switchboard.notify.WebhookNotifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
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
 * <p>Run: {@code bench/notify-load [--calls 100] [--rate 1000] [--seconds 20]}. Exit status 1 when a target is missed
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
    private final NotificationVerifier verifier;
    private volatile boolean measuring;

    private NotifyLoad(int calls, NotificationVerifier verifier) {
        this.lastSequence = new AtomicLongArray(calls);
        this.verifier = verifier;
    }

    public static void main(String[] args) throws Exception {
        int calls = intArg(args, "--calls", 100);
        int rate = intArg(args, "--rate", 1000);
        int seconds = intArg(args, "--seconds", 20);
        int warmup = intArg(args, "--warmup", 3);
        int participants = intArg(args, "--participants", 5);
        System.exit(run(calls, rate, seconds, warmup, participants) ? 0 : 1);
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }

    private static boolean run(int calls, int rate, int seconds, int warmup, int participants) throws Exception {
        RsaCallbackSigner signer = new RsaCallbackSigner();
        NotifyLoad load = new NotifyLoad(calls, NotificationVerifier.forJwkSet(signer.publicJwks(), APP,
                NotificationVerifier.DEFAULT_ISSUERS));
        HttpServer bot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ExecutorService botThreads = Executors.newFixedThreadPool(4);
        bot.setExecutor(botThreads);
        bot.createContext("/", load::handle);
        bot.start();
        URI callback = URI.create("http://127.0.0.1:" + bot.getAddress().getPort() + "/api/calls");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NotifierSettings settings = NotifierSettings.defaults();
        System.out.printf("notify-load: calls=%d rate=%d/s seconds=%d (+%d warm-up) participants=%d workers=%d cores=%d%n",
                calls, rate, seconds, warmup, participants, settings.workerThreads(), Runtime.getRuntime().availableProcessors());

        long[] sentPerCall = new long[calls];
        long sent = 0;
        long maxDepth = 0;
        List<String> heapSamples = new ArrayList<>();
        try (WebhookNotifier notifier = new WebhookNotifier(settings, signer, meters)) {
            Timer timer = meters.find("switchboard.notify.delivery.latency").timer();
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
                    load.reset();
                    load.measuring = true;
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
                    heapSamples.add(String.format("t=%ds oldGenAfterGC=%s depth=%d", TimeUnit.NANOSECONDS.toSeconds(now - measureFrom),
                            oldGenAfterGc(), (long) depth));
                    nextSample += TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 5));
                }
                TimeUnit.MICROSECONDS.sleep(500);
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (load.totalReceived() < sent && System.nanoTime() < waitUntil) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            heapSamples.add("end oldGenAfterGC=" + oldGenAfterGc());
            System.gc();
            heapSamples.add(String.format("end heapAfterFullGC=%.1f MB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6));
            double timerP99 = percentile(timer, 0.99);
            boolean ok = load.report(sent, maxDepth, timerP99, meters);
            heapSamples.forEach(s -> System.out.println("  memory " + s));
            return ok;
        } finally {
            bot.stop(0);
            botThreads.shutdownNow();
        }
    }

    private static double percentile(Timer timer, double p) {
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            if (v.percentile() == p) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static String oldGenAfterGc() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().contains("Old Gen") || pool.getName().contains("Tenured")) {
                MemoryUsage u = pool.getCollectionUsage();
                return u == null ? "n/a" : String.format("%.1fMB", u.getUsed() / 1e6);
            }
        }
        return "n/a";
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
        item.put("rosterSequenceNumber", seq);
        item.put("benchCall", call);
        item.put("benchNanos", System.nanoTime());
        return new OutboundNotification(callId, TENANT, APP, callback, NotificationKind.ROSTER, item);
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
            verifier.verify(ex.getRequestHeaders().getFirst("Authorization"), body);
        } catch (Exception e) {
            badTokens.incrementAndGet();
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        String call = field(body, "\"benchCall\":");
        long enqueued = Long.parseLong(field(body, "\"benchNanos\":"));
        long seq = Long.parseLong(ex.getRequestHeaders().getFirst(WebhookNotifier.SEQUENCE_HEADER));
        int c = Integer.parseInt(call);
        long prev = lastSequence.getAndSet(c, Math.max(seq, lastSequence.get(c)));
        if (seq == prev) {
            duplicates.incrementAndGet();
        } else if (seq != prev + 1) {
            outOfOrder.incrementAndGet();
        }
        received.incrementAndGet();
        long latency = System.nanoTime() - enqueued;
        if (measuring) {
            histogram.incrementAndGet((int) Math.min(BUCKETS, latency / 100_000));
            maxLatencyNanos.accumulateAndGet(latency, Math::max);
        }
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    private static String field(byte[] body, String name) {
        String s = new String(body, StandardCharsets.UTF_8);
        int i = s.indexOf(name) + name.length();
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '-')) {
            j++;
        }
        return s.substring(i, j);
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

    private boolean report(long sent, long maxDepth, double timerP99, SimpleMeterRegistry meters) {
        long lost = sent - received.get();
        double p50 = histogramPercentileMs(0.50);
        double p99 = histogramPercentileMs(0.99);
        double p999 = histogramPercentileMs(0.999);
        double giveUps = meters.find("switchboard.notify.giveups").counters().stream().mapToDouble(Counter::count).sum();
        double retries = meters.find("switchboard.notify.retries").counters().stream().mapToDouble(Counter::count).sum();
        System.out.printf("  sent=%d received=%d lost=%d duplicates=%d outOfOrder=%d badTokens=%d giveUps=%.0f retries=%.0f maxQueueDepth=%d%n",
                sent, received.get(), lost, duplicates.get(), outOfOrder.get(), badTokens.get(), giveUps, retries, maxDepth);
        System.out.printf("  latency enqueue->bot 2xx (measured at the bot): p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms%n",
                p50, p99, p999, maxLatencyNanos.get() / 1e6);
        System.out.printf("  notifier timer switchboard.notify.delivery.latency p99 (histogram bucket, whole run)=%.1fms%n", timerP99);
        boolean ok = p99 < 50 && lost == 0 && outOfOrder.get() == 0 && badTokens.get() == 0;
        System.out.println(ok ? "  RESULT PASS (p99 < 50 ms, no loss, in order)" : "  RESULT FAIL");
        return ok;
    }
}
