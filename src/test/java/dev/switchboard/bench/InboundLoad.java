package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.media.codec.G711;
import dev.switchboard.media.sdp.SdpOffer;
import dev.switchboard.server.InboundSettings;
import dev.switchboard.server.ServerConfig;
import dev.switchboard.server.SwitchboardServer;
import dev.switchboard.testsupport.FfmpegPeer;
import dev.switchboard.testsupport.Tokens;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load harness for incoming calls (issue 12, docs/inbound-calls.md): callers dial the Dev Bot at a fixed rate through
 * the client API with real RTP sockets; a loopback bot (the JDK HTTP server as its calling webhook, verifying nothing
 * but doing the real work) answers each call with app-hosted media as soon as the signed incoming-call notification
 * arrives, reads its media answer and streams a 440 Hz tone. Each caller measures dial → the first mixed packet that
 * carries the bot's tone (non-silent PCMU), then hangs up. One in-process server with the real media plane, webhook
 * notifier (RS256 signing) and call engine; loopback only. A call's time runs from when its dial was scheduled (the
 * fixed rate), so a caller that starts late counts its lateness (no coordinated omission). The callers and the bot
 * run on platform threads of their own, as the separate processes they stand for (see {@link #threads}).
 *
 * <p>Run: {@code bench/inbound-load [--calls 1000] [--rate 100] [--callback-signing rs256|es256]
 * [--harness-threads platform|virtual] [--stall-watch]}. Reports setups/s, p50/p99 and calls that never
 * heard the bot within 5 s (lost). Exit status 1 when a target is missed (≥ 100 setups/s, p99 < 200 ms, 0 lost).
 */
public final class InboundLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAME = 160;

    private final Map<String, DatagramChannel> botSockets = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hungUp = new ConcurrentHashMap<>();
    /**
     * The callers' and the bot's threads. They stand in for other processes, so by default they are platform threads:
     * as virtual threads they shared the server's virtual-thread scheduler (one carrier per core), where they queued
     * ahead of the server's request threads, and the JDK HTTP client's selector threads waited on a selector monitor
     * for the hand-off to such a thread (up to 235 ms in a profile). {@code --harness-threads virtual} measures the
     * old way.
     */
    private final ExecutorService threads;
    /** The callers' client. */
    private final HttpClient http;
    /** The bot's own client: one shared selector for callers and bot made the harness contend with itself. */
    private final HttpClient botHttp;
    private final AtomicInteger answerFailures = new AtomicInteger();
    private final AtomicInteger dialErrors = new AtomicInteger();
    private final AtomicInteger webhookPosts = new AtomicInteger();
    private final AtomicInteger webhookItems = new AtomicInteger();
    /** Per call id: when each phase of the setup ended (System.nanoTime), for the phase table. */
    private final Map<String, Timeline> timelines = new ConcurrentHashMap<>();
    private final List<Timeline> finished = Collections.synchronizedList(new ArrayList<>());
    private String base;
    private String botToken;
    private String aliceToken;
    private String webhook;

    /** {@code --stall-watch}: stream fsync, GC-pause and monitor-wait events (JFR) and print them; it costs a little. */
    private final boolean watchStalls;

    InboundLoad(boolean virtualThreads, boolean watchStalls) {
        this.watchStalls = watchStalls;
        threads = virtualThreads ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newCachedThreadPool(Thread.ofPlatform().name("harness-", 0).daemon(true).factory());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads).build();
        botHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads).build();
    }

    public static void main(String[] args) throws Exception {
        int calls = 1000;
        int rate = 100;
        int warmupCalls = 1000;
        String signing = "rs256";
        String harnessThreads = "platform";
        boolean watchStalls = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--stall-watch")) {
                watchStalls = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value of " + args[i]);
            }
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--warmup-calls" -> warmupCalls = Integer.parseInt(args[i + 1]);
                case "--callback-signing" -> signing = args[i + 1];
                case "--harness-threads" -> harnessThreads = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!harnessThreads.equals("platform") && !harnessThreads.equals("virtual")) {
            throw new IllegalArgumentException("--harness-threads platform|virtual");
        }
        System.out.printf("inbound-load: harness (callers, bot) on %s threads%n", harnessThreads);
        System.exit(new InboundLoad(harnessThreads.equals("virtual"), watchStalls).run(calls, rate, warmupCalls,
                dev.switchboard.auth.CallbackAlgorithm.valueOf(signing.toUpperCase(java.util.Locale.ROOT))) ? 0 : 1);
    }

    boolean run(int calls, int rate, int warmupCalls, dev.switchboard.auth.CallbackAlgorithm signing) throws Exception {
        HttpServer bot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        bot.setExecutor(threads);
        bot.createContext("/", exchange -> {
            long received = System.nanoTime();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            webhookPosts.incrementAndGet();
            for (JsonNode item : JSON.readTree(body).path("value")) {
                webhookItems.incrementAndGet();
                if ("created".equals(item.path("changeType").asText())
                        && "incoming".equals(item.path("resourceData").path("state").asText())) {
                    String callId = item.path("resourceData").path("id").asText();
                    timeline(callId).webhook = received;
                    answer(callId);
                }
            }
        });
        bot.start();
        webhook = "http://127.0.0.1:" + bot.getAddress().getPort() + "/calling";
        ServerConfig config = ServerConfig.defaults(Files.createTempDirectory("inbound-load")).withPort(0)
                .withMediaPorts(42000, 47999)
                .withInbound(InboundSettings.DEFAULTS.withWebhook(DevIdentities.DEV_BOT_APP_ID, webhook))
                .withCallbackSigning(signing)
                .withGraphRequests(dev.switchboard.api.GraphRequestLimit.OFF); // a load test: Graph's request limit off
        try (SwitchboardServer server = new SwitchboardServer(config).start()) {
            base = server.baseUrl();
            botToken = Tokens.devBotToken(base);
            aliceToken = Tokens.aliceToken(base);
            // warm-up: the JIT and the connection pools
            runCalls(warmupCalls, Math.min(rate, 50)); // not measured
            System.out.printf("inbound-load: %d warm-up calls at %d/s (not measured)%n", warmupCalls, Math.min(rate, 50));
            finished.clear();
            webhookPosts.set(0);
            dialErrors.set(0);
            webhookItems.set(0);
            StallWatch stalls = watchStalls ? StallWatch.start() : null;
            long t0 = System.nanoTime();
            List<Long> latencies = runCalls(calls, rate);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (stalls != null) {
                stalls.stop();
            }
            long heard = latencies.stream().filter(l -> l >= 0).count();
            List<Long> ok = new ArrayList<>(latencies.stream().filter(l -> l >= 0).toList());
            Collections.sort(ok);
            double p50 = ok.isEmpty() ? Double.NaN : ok.get(ok.size() / 2) / 1e6;
            double p99 = ok.isEmpty() ? Double.NaN : ok.get(Math.min(ok.size() - 1, (int) Math.ceil(ok.size() * 0.99) - 1)) / 1e6;
            double max = ok.isEmpty() ? Double.NaN : ok.get(ok.size() - 1) / 1e6;
            long lost = calls - heard;
            double setups = heard / seconds;
            System.out.printf("inbound-load: webhooks signed %s%n", signing);
            System.out.printf("inbound-load: %d calls dialed at %d/s on %d cores: %.1f setups/s, dial->hears-bot p50 %.1f ms, "
                            + "p99 %.1f ms, max %.1f ms, lost %d (caller errors %d), answer failures %d%n", calls, rate,
                    Runtime.getRuntime().availableProcessors(), setups, p50, p99, max, lost, dialErrors.get(), answerFailures.get());
            printPhases();
            if (stalls != null) {
                stalls.print();
            }
            System.out.printf("webhook: %.2f POSTs and %.2f notifications per call (the server signs each POST)%n",
                    webhookPosts.get() / (double) calls, webhookItems.get() / (double) calls);
            double[] load = loadAverage();
            System.out.printf("load average %.2f %.2f %.2f%n", load[0], load[1], load[2]);
            boolean met = setups >= 100 * 0.98 * Math.min(1.0, rate / 100.0) && p99 < 200 && lost == 0;
            System.out.println(met ? "TARGET MET (>= 100 setups/s, p99 < 200 ms, 0 lost)"
                    : "TARGET MISSED (>= 100 setups/s, p99 < 200 ms, 0 lost)");
            return met;
        } finally {
            bot.stop(0);
            threads.shutdownNow();
        }
    }

    /** Dials {@code calls} calls at {@code rate}/s; each entry is dial → hears the bot in ns, or -1. */
    private List<Long> runCalls(int calls, int rate) throws Exception {
        List<java.util.concurrent.Future<Long>> futures = new ArrayList<>();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int i = 0; i < calls; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            futures.add(threads.submit(() -> oneCallCounted(due)));
        }
        List<Long> out = new ArrayList<>();
        for (var f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    /** {@link #oneCall}, a failure (connection reset, refused) counted as a lost call instead of ending the run. */
    private long oneCallCounted(long due) {
        try {
            return oneCall(due);
        } catch (Exception e) {
            dialErrors.incrementAndGet();
            return -1;
        }
    }

    /**
     * One caller: dial, latch, wait for the bot's tone, hang up. The time runs from {@code due}, when the dial was
     * scheduled, not from when this thread got to send it: a late start is part of the figure (no coordinated
     * omission), and the phase table shows it on its own line.
     */
    private long oneCall(long due) throws Exception {
        try (DatagramChannel caller = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) caller.getLocalAddress()).getPort();
            long t0 = due;
            long sent = System.nanoTime();
            HttpResponse<String> dialed = http.send(HttpRequest.newBuilder(URI.create(base + "/client/v1/apps/"
                            + DevIdentities.DEV_BOT_APP_ID + "/calls")).header("Authorization", "Bearer " + aliceToken)
                    .header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(FfmpegPeer.offer(port, FfmpegPeer.Codec.PCMU, "sendrecv"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (dialed.statusCode() != 201) {
                return -1;
            }
            long dialReturned = System.nanoTime();
            String location = dialed.headers().firstValue("Location").orElseThrow();
            String callId = location.split("/")[4];
            Timeline timeline = timeline(callId);
            timeline.due = t0;
            timeline.dial = sent;
            timeline.dialReturned = dialReturned;
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    SdpOffer.parse(dialed.body()).media().get(0).port());
            caller.send(rtp(0, (byte) 0xFF), server); // latches the caller's leg
            // a blocking receive with a timeout: the caller wakes when a packet arrives, not on a 1 ms polling tick
            java.net.DatagramSocket socket = caller.socket();
            byte[] rx = new byte[2048];
            java.net.DatagramPacket in = new java.net.DatagramPacket(rx, rx.length);
            long heard = -1;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                try {
                    socket.receive(in);
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                if (carriesTone(ByteBuffer.wrap(rx, 0, in.getLength()).slice())) {
                    timeline.heard = System.nanoTime();
                    heard = timeline.heard - t0;
                    break;
                }
            }
            hungUp.put(callId, true);
            finished.add(timelines.remove(callId));
            try {
                http.send(HttpRequest.newBuilder(URI.create(base + location)).header("Authorization", "Bearer " + aliceToken)
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (java.io.IOException e) {
                dialErrors.incrementAndGet(); // the call was measured; a failed hang-up is only counted
            }
            DatagramChannel botSocket = botSockets.remove(callId);
            if (botSocket != null) {
                botSocket.close();
            }
            return heard;
        }
    }

    /** The bot: answer with app-hosted media, read the media answer, stream the tone until the caller hung up. */
    private void answer(String callId) {
        threads.submit(() -> {
            try (DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                botSockets.put(callId, socket);
                int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
                String offer = FfmpegPeer.offer(port, FfmpegPeer.Codec.PCMU, "sendrecv");
                Timeline timeline = timeline(callId);
                String body = JSON.createObjectNode().put("callbackUri", webhook)
                        .set("mediaConfig", JSON.createObjectNode().put("@odata.type", "#microsoft.graph.appHostedMediaConfig")
                                .put("blob", offer)).toString();
                timeline.answerSent = System.nanoTime();
                HttpResponse<String> answered = botHttp.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls/"
                                + callId + "/answer")).header("Authorization", "Bearer " + botToken)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                timeline.answered = System.nanoTime();
                if (answered.statusCode() != 202) {
                    answerFailures.incrementAndGet();
                    return null;
                }
                HttpResponse<String> call = botHttp.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls/"
                        + callId)).header("Authorization", "Bearer " + botToken).GET().build(), HttpResponse.BodyHandlers.ofString());
                String blob = JSON.readTree(call.body()).path("mediaConfig").path("blob").asText();
                InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        SdpOffer.parse(blob).media().get(0).port());
                timeline.toneSent = System.nanoTime();
                for (int seq = 0; seq < 250 && !hungUp.containsKey(callId); seq++) {
                    socket.send(toneFrame(seq), server);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                if (!hungUp.containsKey(callId)) {
                    answerFailures.incrementAndGet();
                }
            } finally {
                hungUp.remove(callId);
            }
            return null;
        });
    }

    /** When each phase of one call's setup ended (System.nanoTime; 0 = not reached); written by the caller and the bot. */
    private static final class Timeline {
        volatile long due;
        volatile long dial;
        volatile long dialReturned;
        volatile long webhook;
        volatile long answerSent;
        volatile long answered;
        volatile long toneSent;
        volatile long heard;
    }

    private Timeline timeline(String callId) {
        return timelines.computeIfAbsent(callId, id -> new Timeline());
    }

    /** The phase table: p50/p99 of each phase over the measured calls that reached both of its ends. */
    private void printPhases() {
        List<Timeline> all;
        synchronized (finished) {
            all = List.copyOf(finished);
        }
        System.out.println("phase                                          p50 ms    p99 ms   calls");
        phase(all, "scheduled dial -> caller sends it (harness)", t -> t.due, t -> t.dial);
        phase(all, "dial POST round trip (201 at the caller)", t -> t.dial, t -> t.dialReturned);
        phase(all, "dial -> incoming-call webhook at the bot", t -> t.dial, t -> t.webhook);
        phase(all, "webhook -> bot sends answer (bot's queue)", t -> t.webhook, t -> t.answerSent);
        phase(all, "answer POST round trip (202 at the bot)", t -> t.answerSent, t -> t.answered);
        phase(all, "202 -> bot's first tone packet (GET call)", t -> t.answered, t -> t.toneSent);
        phase(all, "bot's first tone packet -> caller hears it", t -> t.toneSent, t -> t.heard);
        phase(all, "dial -> caller hears the bot (total)", t -> t.due, t -> t.heard);
    }

    private static void phase(List<Timeline> all, String name, java.util.function.ToLongFunction<Timeline> from,
                              java.util.function.ToLongFunction<Timeline> to) {
        List<Long> d = new ArrayList<>();
        for (Timeline t : all) {
            if (t != null && from.applyAsLong(t) != 0 && to.applyAsLong(t) != 0) {
                d.add(to.applyAsLong(t) - from.applyAsLong(t));
            }
        }
        Collections.sort(d);
        double p50 = d.isEmpty() ? Double.NaN : d.get(d.size() / 2) / 1e6;
        double p99 = d.isEmpty() ? Double.NaN : d.get(Math.min(d.size() - 1, (int) Math.ceil(d.size() * 0.99) - 1)) / 1e6;
        System.out.printf("%-44s %9.1f %9.1f %7d%n", name, p50, p99, d.size());
    }

    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (Exception e) {
            return new double[]{Double.NaN, Double.NaN, Double.NaN};
        }
    }

    private static ByteBuffer toneFrame(int seq) {
        ByteBuffer b = rtp(seq, (byte) 0);
        for (int i = 0; i < FRAME; i++) {
            double t = (seq * FRAME + i) / 8000.0;
            b.put(12 + i, G711.linearToUlaw((int) (8000 * Math.sin(2 * Math.PI * 440 * t))));
        }
        return b;
    }

    private static ByteBuffer rtp(int seq, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(12 + FRAME);
        b.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * FRAME).putInt(0x1234_5678);
        for (int i = 0; i < FRAME; i++) {
            b.put(fill);
        }
        b.flip();
        return b;
    }

    /** An RTP packet whose PCMU payload is not silence: the bot's tone came through the mix. */
    private static boolean carriesTone(ByteBuffer packet) {
        if (packet.remaining() <= 12 || (packet.get(1) & 0x7F) >= 72) {
            return false; // RTCP or empty
        }
        int loud = 0;
        for (int i = 12; i < packet.limit(); i++) {
            if (Math.abs(G711.ulawToLinear(packet.get(i))) > 1000) {
                loud++;
            }
        }
        return loud > 10;
    }
}
