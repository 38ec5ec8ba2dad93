package dev.switchboard.bench;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.DevIdentities;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load harness for the mute path, run in its own JVM against a running server on loopback: creates N live group
 * calls with the dev bot's real token, then for a fixed time drives {@code POST .../mute} and {@code .../unmute}
 * (random call, random action, a clientContext each time) from C keep-alive connections, closed loop, and reports
 * throughput, latency percentiles, errors and the CPU both processes used. Every answer is checked (200 and
 * {@code "status":"Completed"}); anything else counts as an error. A loopback webhook receiver answers 202 so a
 * server with real notification delivery has somewhere to send the roster updates.
 *
 * <p>With {@code --rate R} the load is open-loop instead: each connection sends on a fixed schedule (R ops/s in total)
 * and latency is measured from the scheduled send time, so time spent queued behind a slow answer counts
 * (no coordinated omission); the run reports whether the rate was held.
 *
 * <p>With webhooks ({@code --mode serve}) it then waits for the notifier to drain and counts what was lost: the server's
 * give-ups plus gaps in each call's {@code X-Switchboard-Sequence} at the bot. A {@code SUMMARY} line, and at the
 * issue's rates a {@code TARGET MET}/{@code TARGET MISSED} verdict, end the output.
 *
 * <p>With {@code --batch N} (2 to 20) each request is a JSON batch of N mutes and unmutes ({@code POST /v1.0/$batch}):
 * ops count mutes, latency is per batch.
 *
 * <p>Usage: {@code GraphLoad BASE_URL [--mode serve|engine] [--calls 1000] [--connections 32] [--rate R] [--batch N] [--warmup 5] [--seconds 20] [--server-pid PID]}
 */
public final class GraphLoad {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern STATE_CALL = Pattern.compile("\"myParticipantId\":\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern CALL_URL = Pattern.compile("\"/communications/calls/([^/\"]+)");

    private final URI base;
    private final String token;
    private final int rate;
    /** Mutes per request: 1 sends each alone; more sends them as one JSON batch ({@code POST /v1.0/$batch}). */
    private int batch = 1;
    /** Set only for the measured run when {@code --tail-log} is given. */
    private volatile TailTimeline timeline;

    private GraphLoad(URI base, String token, int rate) {
        this.base = base;
        this.token = token;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: GraphLoad BASE_URL [--calls N] [--connections C] [--warmup S] [--seconds S] [--server-pid PID]");
            System.exit(2);
        }
        URI base = URI.create(args[0]);
        if (!base.getHost().equals("127.0.0.1") && !base.getHost().equals("localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        int calls = intArg(args, "--calls", 1000);
        int connections = intArg(args, "--connections", 32);
        int warmup = intArg(args, "--warmup", 5);
        int seconds = Math.min(intArg(args, "--seconds", 20), 300);
        long serverPid = intArg(args, "--server-pid", -1);
        int rate = intArg(args, "--rate", 0);

        String mode = stringArg(args, "--mode", "serve");
        String tailLog = stringArg(args, "--tail-log", null);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        AtomicLong webhooks = new AtomicLong();
        AtomicLong items = new AtomicLong();
        AtomicLong gaps = new AtomicLong();
        java.util.concurrent.ConcurrentHashMap<String, Long> lastSequence = new java.util.concurrent.ConcurrentHashMap<>();
        receiver.createContext("/cb", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            webhooks.incrementAndGet();
            for (int i = body.indexOf("\"changeType\""); i >= 0; i = body.indexOf("\"changeType\"", i + 1)) {
                items.incrementAndGet();
            }
            // a gap in a call's X-Switchboard-Sequence is a POST the server gave up: lost notifications
            String seq = ex.getRequestHeaders().getFirst("X-Switchboard-Sequence");
            Matcher call = CALL_URL.matcher(body);
            if (seq != null && call.find()) {
                long s = Long.parseLong(seq);
                lastSequence.merge(call.group(1), s, (old, now) -> {
                    if (now > old + 1) {
                        gaps.addAndGet(now - old - 1);
                    }
                    return Math.max(old, now);
                });
            }
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.start();
        String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb";
        try {
            String token = fetchToken(base);
            GraphLoad load = new GraphLoad(base, token, rate);
            load.batch = Math.clamp(intArg(args, "--batch", 1), 1, 20);
            long t0 = System.nanoTime();
            List<String> callIds = load.createCalls(calls, callback, Math.min(connections, 8));
            System.out.printf("created %d calls in %.1f s%n", callIds.size(), (System.nanoTime() - t0) / 1e9);
            load.run(callIds, connections, warmup, false, serverPid);
            if (tailLog != null) {
                load.timeline = new TailTimeline(System.currentTimeMillis(), System.nanoTime(), seconds);
            }
            Result r = load.run(callIds, connections, seconds, true, serverPid);
            if (load.timeline != null) {
                load.timeline.write(Path.of(tailLog));
            }
            long lost = -1;
            if (mode.equals("serve")) {
                lost = awaitDelivered(base, webhooks) + gaps.get();
            }
            r.print(connections, webhooks.get(), items.get());
            double achieved = r.ops / (r.elapsedNanos / 1e9);
            if (rate > 0) {
                System.out.printf("open loop: target %d ops/s, achieved %.0f ops/s%n", rate, achieved);
            }
            if (lost >= 0) {
                System.out.printf("notifications lost: %d (given up by the server + sequence gaps at the bot)%n", lost);
            }
            boolean ok = r.errors == 0;
            String loadAvg = Files.readString(Path.of("/proc/loadavg")).trim();
            if (rate > 0 && mode.equals("serve") && rate >= 5000) {
                boolean met = ok && achieved >= 0.98 * rate && r.pct(99) < 20 && lost == 0;
                System.out.printf("SUMMARY graph-load webhooks rate=%d achieved=%.0f p50=%.2fms p99=%.2fms p99.9=%.2fms lost=%d errors=%d load=\"%s\"%n",
                        rate, achieved, r.pct(50), r.pct(99), r.pct(99.9), lost, r.errors, loadAvg);
                System.out.println((met ? "TARGET MET" : "TARGET MISSED")
                        + " (issue 17: 5,000 mutes/s with webhooks on, RS256 callback tokens, p99 < 20 ms, 0 lost)");
            } else if (rate > 0 && mode.equals("engine") && rate >= 10000) {
                boolean met = ok && achieved >= 0.98 * rate && r.pct(99) < 5;
                System.out.printf("SUMMARY graph-load no-webhooks rate=%d achieved=%.0f p50=%.2fms p99=%.2fms p99.9=%.2fms errors=%d load=\"%s\"%n",
                        rate, achieved, r.pct(50), r.pct(99), r.pct(99.9), r.errors, loadAvg);
                System.out.println((met ? "TARGET MET" : "TARGET MISSED") + " (issue 17: Graph API alone at 10,000 mutes/s, p99 < 5 ms)");
            } else {
                System.out.printf("SUMMARY graph-load %s rate=%s achieved=%.0f p50=%.2fms p99=%.2fms errors=%d load=\"%s\"%n", mode,
                        rate > 0 ? Integer.toString(rate) : "closed-loop", achieved, r.pct(50), r.pct(99), r.errors, loadAvg);
            }
            System.exit(ok ? 0 : 1);
        } finally {
            receiver.stop(0);
            ((ExecutorService) receiver.getExecutor()).shutdownNow();
        }
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    /**
     * Waits (at most 60 s) until the server's notifier has nothing queued and the bot has stopped receiving, then
     * returns how many notifications the server gave up ({@code switchboard_notify_giveups_total}, all reasons).
     */
    private static long awaitDelivered(URI base, AtomicLong webhooks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long seen = -1;
        String metrics = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = new Connection(base)) {
                metrics = c.send("GET", "/metrics", null, "text/plain", "").body;
            }
            double depth = metricSum(metrics, "switchboard_notify_queue_depth");
            if (depth == 0 && webhooks.get() == seen) {
                break;
            }
            seen = webhooks.get();
            Thread.sleep(500);
        }
        return (long) metricSum(metrics, "switchboard_notify_giveups_total");
    }

    private static double metricSum(String metrics, String name) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }

    private static String fetchToken(URI base) throws IOException {
        String form = "grant_type=client_credentials&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&scope=" + enc("https://graph.microsoft.com/.default");
        try (Connection c = new Connection(base)) {
            Response r = c.send("POST", "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token", null,
                    "application/x-www-form-urlencoded", form);
            Matcher m = TOKEN.matcher(r.body);
            if (r.status != 200 || !m.find()) {
                throw new IllegalStateException("token endpoint answered " + r.status + ": " + r.body);
            }
            return m.group(1);
        }
    }

    private List<String> createCalls(int n, String callback, int threads) throws Exception {
        String body = "{\"callbackUri\":\"" + callback + "\",\"requestedModalities\":[\"audio\"],"
                + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
                + "\"targets\":[{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}},"
                + "{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}]}";
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = n / threads + (t < n % threads ? 1 : 0);
            parts.add(pool.submit(() -> {
                List<String> ids = new ArrayList<>();
                try (Connection c = new Connection(base)) {
                    for (int i = 0; i < share; i++) {
                        Response r = c.send("POST", "/v1.0/communications/calls", token, "application/json", body);
                        Matcher m = ID.matcher(r.body);
                        if (r.status != 201 || !STATE_CALL.matcher(r.body).find() || !m.find()) {
                            throw new IllegalStateException("create call answered " + r.status + ": " + r.body);
                        }
                        ids.add(m.group(1));
                    }
                }
                return ids;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : parts) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return all;
    }

    private Result run(List<String> callIds, int connections, int seconds, boolean measure, long serverPid) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long serverCpu0 = serverCpuNanos(serverPid);
        long clientCpu0 = clientCpuNanos();
        long[] gc0 = generatorGc();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<Worker>> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            long intervalNanos = rate > 0 ? (long) (1e9 * connections / rate) : 0;
            long firstSend = start + (rate > 0 ? i * intervalNanos / connections : 0);
            workers.add(pool.submit(() -> new Worker().run(callIds, end, firstSend, intervalNanos)));
        }
        Result total = new Result();
        for (Future<Worker> f : workers) {
            total.add(f.get());
        }
        total.elapsedNanos = System.nanoTime() - start;
        total.serverCpuNanos = serverPid > 0 ? serverCpuNanos(serverPid) - serverCpu0 : -1;
        total.clientCpuNanos = clientCpuNanos() - clientCpu0;
        long[] gc1 = generatorGc();
        total.generatorGcCount = gc1[0] - gc0[0];
        total.generatorGcMillis = gc1[1] - gc0[1];
        pool.shutdown();
        if (!measure) {
            System.out.printf("warm-up: %d ops, %d errors%n", total.ops, total.errors);
        }
        return total;
    }

    private final class Worker {
        /** Latency from the scheduled send (open loop) or the send (closed loop). */
        final Histogram latency = new Histogram();
        /** Service time: from the request's actual write to its answer (the server and loopback, not the generator's lag). */
        final Histogram service = new Histogram();
        /** How late the generator wrote requests behind their schedule (open loop), the part it adds itself. */
        final Histogram sendLag = new Histogram();
        long count;
        long errors;
        String firstError;

        /** Closed loop when {@code intervalNanos} is 0; else one request per interval, timed from its scheduled start. */
        Worker run(List<String> callIds, long end, long firstSend, long intervalNanos) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            Connection c = null;
            long scheduled = firstSend;
            while (System.nanoTime() < end) {
                String callId = callIds.get(rnd.nextInt(callIds.size()));
                String action = rnd.nextBoolean() ? "mute" : "unmute";
                String body = "{\"clientContext\":\"load-" + rnd.nextInt(1_000_000) + "\"}";
                long t;
                if (intervalNanos > 0) {
                    long wait = scheduled - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    t = scheduled;
                    scheduled += intervalNanos;
                    if (t >= end) {
                        break;
                    }
                } else {
                    t = System.nanoTime();
                }
                try {
                    if (c == null) {
                        c = new Connection(base);
                    }
                    long sent = System.nanoTime();
                    Response r = batch == 1
                            ? c.send("POST", "/v1.0/communications/calls/" + callId + "/" + action, token,
                                    "application/json", body)
                            : c.send("POST", "/v1.0/$batch", token, "application/json", batchBody(callIds, rnd));
                    long now = System.nanoTime();
                    if (r.status != 200 || !r.body.contains("\"status\":\"Completed\"")
                            || batch > 1 && count(r.body, "\"status\":\"Completed\"") != batch) {
                        error("HTTP " + r.status + " " + r.body);
                    } else {
                        latency.record(now - t);
                        service.record(now - sent);
                        sendLag.record(Math.max(0, sent - t));
                        TailTimeline tl = timeline;
                        if (tl != null) {
                            tl.record(t, sent, now);
                        }
                        count += batch;
                    }
                } catch (IOException e) {
                    error(e.toString());
                    closeQuietly(c);
                    c = null;
                }
            }
            closeQuietly(c);
            return this;
        }

        private void error(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }
    }

    /** A JSON batch of {@link #batch} mutes and unmutes of random calls, each with its own clientContext. */
    private String batchBody(List<String> callIds, ThreadLocalRandom rnd) {
        StringBuilder b = new StringBuilder(160 * batch).append("{\"requests\":[");
        for (int i = 0; i < batch; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"method\":\"POST\",\"url\":")
                    .append("\"/communications/calls/").append(callIds.get(rnd.nextInt(callIds.size())))
                    .append(rnd.nextBoolean() ? "/mute" : "/unmute").append("\",\"headers\":{\"Content-Type\":")
                    .append("\"application/json\"},\"body\":{\"clientContext\":\"load-").append(rnd.nextInt(1_000_000))
                    .append("\"}}");
        }
        return b.append("]}").toString();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static final class Result {
        long ops;
        long errors;
        String firstError;
        long elapsedNanos;
        long serverCpuNanos;
        long clientCpuNanos;
        final Histogram latency = new Histogram();
        final Histogram service = new Histogram();
        final Histogram sendLag = new Histogram();
        long generatorGcMillis;
        long generatorGcCount;

        void add(Worker w) {
            ops += w.count + w.errors;
            errors += w.errors;
            if (firstError == null) {
                firstError = w.firstError;
            }
            latency.add(w.latency);
            service.add(w.service);
            sendLag.add(w.sendLag);
        }

        double pct(double p) {
            return latency.pct(p);
        }

        void print(int connections, long webhooks, long items) {
            double secs = elapsedNanos / 1e9;
            System.out.printf("mute/unmute: %d ops in %.1f s over %d connections = %.0f ops/s, errors %d%n",
                    ops, secs, connections, ops / secs, errors);
            System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    pct(50), pct(90), pct(99), pct(99.9), latency.maxMillis());
            System.out.printf("  of which service time (write -> answer) ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    service.pct(50), service.pct(90), service.pct(99), service.pct(99.9), service.maxMillis());
            System.out.printf("  and the generator's own send lag behind schedule ms: p50 %.2f  p99 %.2f  max %.2f; its GC: %d collections, %d ms%n",
                    sendLag.pct(50), sendLag.pct(99), sendLag.maxMillis(), generatorGcCount, generatorGcMillis);
            if (serverCpuNanos >= 0) {
                System.out.printf("cpu: server %.2f cores (%.0f us/op), load generator %.2f cores (of %d)%n",
                        serverCpuNanos / 1e9 / secs, serverCpuNanos / 1e3 / Math.max(1, ops), clientCpuNanos / 1e9 / secs,
                        Runtime.getRuntime().availableProcessors());
            } else {
                System.out.printf("cpu: load generator %.2f cores%n", clientCpuNanos / 1e9 / secs);
            }
            System.out.printf("webhooks received by the loopback receiver (whole run): %d POSTs, %d notifications%n", webhooks, items);
            if (firstError != null) {
                System.out.println("first error: " + firstError);
            }
        }
    }

    /** The generator JVM's own collections so far: {count, milliseconds}. */
    private static long[] generatorGc() {
        long count = 0;
        long millis = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * A latency histogram with no ceiling that hides anything: 1 microsecond buckets up to 10 ms, 100 us up to 1 s,
     * 10 ms up to 60 s (the last bucket holds anything slower), and the exact maximum.
     */
    static final class Histogram {
        private static final int FINE = 10_000;
        private static final int MID = 9_900;
        private static final int COARSE = 5_901;
        private final long[] buckets = new long[FINE + MID + COARSE];
        private long count;
        private long maxNanos;

        void record(long nanos) {
            long us = nanos / 1000;
            int i;
            if (us < 10_000) {
                i = (int) us;
            } else if (us < 1_000_000) {
                i = FINE + (int) ((us - 10_000) / 100);
            } else {
                i = FINE + MID + (int) Math.min((us - 1_000_000) / 10_000, COARSE - 1);
            }
            buckets[i]++;
            count++;
            maxNanos = Math.max(maxNanos, nanos);
        }

        void add(Histogram o) {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += o.buckets[i];
            }
            count += o.count;
            maxNanos = Math.max(maxNanos, o.maxNanos);
        }

        double maxMillis() {
            return maxNanos / 1e6;
        }

        /** The upper edge of bucket i in milliseconds. */
        private static double upperMillis(int i) {
            if (i < FINE) {
                return (i + 1) / 1000.0;
            }
            if (i < FINE + MID) {
                return 10 + (i - FINE + 1) * 0.1;
            }
            return 1000 + (i - FINE - MID + 1) * 10.0;
        }

        /** The p-th percentile in milliseconds (upper edge of its bucket, never above the maximum). */
        double pct(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(p / 100.0 * count);
            long seen = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= rank) {
                    return Math.min(upperMillis(i), maxMillis());
                }
            }
            return maxMillis();
        }
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime+stime of another process from /proc, in nanoseconds (USER_HZ = 100). */
    private static long serverCpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            c.close();
        }
    }

    record Response(int status, String body) {
    }

    /** A minimal HTTP/1.1 keep-alive client: cheap enough that the server, not the generator, is measured. */
    static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        Connection(URI base) throws IOException {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            host = base.getHost() + ":" + base.getPort();
        }

        Response send(String method, String path, String token, String contentType, String body) throws IOException {
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(host).append("\r\nContent-Type: ").append(contentType).append("\r\nContent-Length: ")
                    .append(payload.length).append("\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            head.append("\r\n");
            byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] request = java.util.Arrays.copyOf(h, h.length + payload.length);
            System.arraycopy(payload, 0, request, h.length, payload.length);
            out.write(request); // one segment, as a buffering client sends it: the server reads the request in one go
            out.flush();
            return read();
        }

        private Response read() throws IOException {
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    buf.write(in.readNBytes(size));
                    line();
                }
                line();
                body = buf.toByteArray();
            } else {
                body = length > 0 ? in.readNBytes(length) : new byte[0];
            }
            return new Response(code, new String(body, StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    int n = sb.length();
                    return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
                }
                sb.append((char) b);
            }
            return sb.isEmpty() ? null : sb.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
