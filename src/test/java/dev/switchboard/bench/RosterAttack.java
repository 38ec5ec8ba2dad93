package dev.switchboard.bench;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.RawWebSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The roster WebSocket attack (issue 9), against a running server on loopback, with the mute path measured in the
 * same run: a group call with Alice and Bob joined and one well-behaved roster reader (Bob); then
 * <ol>
 *   <li>no attack: N roster changes (the bot's own mute/unmute over the Graph API with its real token), paced at R/s,
 *       each timed from its scheduled send;</li>
 *   <li>attack: S roster WebSockets with Alice's token that complete the handshake and never read again (plain
 *       sockets with a small receive buffer, so the kernel's buffers really fill), then the same N changes.</li>
 * </ol>
 * Heap is read after a full GC ({@code jcmd PID GC.run}, {@code GC.heap_info}) when idle, after each phase, with
 * the sockets still open. Prints both phases' latency percentiles and the targets: heap after GC under 100 MB above
 * the idle baseline, attack p99 within 1.5x of the no-attack p99.
 *
 * <p>Usage: {@code RosterAttack BASE_URL --server-pid PID [--sockets 2000] [--changes 400] [--rate 20] [--rcvbuf 4096]}
 */
public final class RosterAttack {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern MY_PARTICIPANT = Pattern.compile("\"myParticipantId\":\"([^\"]+)\"");
    private static final Pattern SEQUENCE = Pattern.compile("\"rosterSequenceNumber\":(\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");
    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    private final String base;
    private final long serverPid;
    private final String botToken;
    private String callId;
    private int changesMade;

    private RosterAttack(String base, long serverPid, String botToken) {
        this.base = base;
        this.serverPid = serverPid;
        this.botToken = botToken;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        if (!URI.create(base).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("loopback only");
        }
        long pid = intArg(args, "--server-pid", -1);
        int sockets = intArg(args, "--sockets", 2000);
        int changes = intArg(args, "--changes", 400);
        int rate = intArg(args, "--rate", 20);
        int rcvbuf = intArg(args, "--rcvbuf", 4096);
        HttpServer bot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        bot.createContext("/cb", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        bot.start();
        try {
            RosterAttack run = new RosterAttack(base, pid, token(base, "grant_type=client_credentials"));
            System.exit(run.run("http://127.0.0.1:" + bot.getAddress().getPort() + "/cb", sockets, changes, rate, rcvbuf) ? 0 : 1);
        } finally {
            bot.stop(0);
        }
    }

    private boolean run(String callback, int sockets, int changes, int rate, int rcvbuf) throws Exception {
        String aliceToken = token(base, "grant_type=password&username=" + enc(DevIdentities.ALICE_USERNAME) + "&password="
                + enc(DevIdentities.ALICE_PASSWORD));
        String bobToken = token(base, "grant_type=password&username=" + enc(DevIdentities.BOB_USERNAME) + "&password="
                + enc(DevIdentities.BOB_PASSWORD));
        createCall(callback);
        join(aliceToken);
        join(bobToken);
        AtomicLong readerSequence = new AtomicLong(-1);
        AtomicLong readerMessages = new AtomicLong();
        WebSocket reader = reader(bobToken, readerSequence, readerMessages);
        mutePhase(Math.min(changes, 50), rate); // warm-up
        long idle = heapAfterGcKb();
        System.out.printf("idle baseline: heap after GC %.1f MB%n", idle / 1024.0);

        double[] calm = mutePhase(changes, rate);
        report("no attack", changes, rate, calm);
        long afterCalm = heapAfterGcKb();
        System.out.printf("  heap after GC %.1f MB (%+.1f MB over idle)%n", afterCalm / 1024.0, (afterCalm - idle) / 1024.0);

        String path = "/client/v1/calls/" + callId + "/roster";
        List<RawWebSocket> attack = new ArrayList<>(sockets);
        Map<Integer, Integer> statuses = new TreeMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < sockets; i++) {
            try {
                RawWebSocket ws = RawWebSocket.open(base, path, aliceToken, rcvbuf);
                statuses.merge(ws.status(), 1, Integer::sum);
                if (ws.status() == 101) {
                    attack.add(ws);
                }
            } catch (IOException e) {
                statuses.merge(-1, 1, Integer::sum);
            }
        }
        System.out.printf("attack: %d roster WebSockets with one user token, never reading (SO_RCVBUF %d), opened in %.1f s;"
                + " handshake answers %s%n", sockets, rcvbuf, (System.nanoTime() - t0) / 1e9, statuses);
        long withSockets = heapAfterGcKb();
        System.out.printf("  heap after GC with the sockets open %.1f MB (%+.1f MB over idle)%n", withSockets / 1024.0,
                (withSockets - idle) / 1024.0);
        double[] attacked = mutePhase(changes, rate);
        report("under attack", changes, rate, attacked);
        long afterAttack = heapAfterGcKb();
        System.out.printf("  heap after GC, attack sockets still connected: %.1f MB (%+.1f MB over idle)%n",
                afterAttack / 1024.0, (afterAttack - idle) / 1024.0);
        long last = sequence();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (readerSequence.get() < last && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.printf("well-behaved reader: %d messages, last rosterSequenceNumber %d of %d%n", readerMessages.get(),
                readerSequence.get(), last);
        System.out.println("server roster metrics: " + rosterMetrics());
        attack.forEach(RawWebSocket::close);
        reader.abort();

        double heapOver = (afterAttack - idle) / 1024.0;
        double ratio = attacked[2] / calm[2];
        boolean heapOk = heapOver < 100;
        boolean latencyOk = ratio <= 1.5;
        System.out.printf("TARGET heap after GC < 100 MB over idle: %.1f MB -> %s%n", heapOver, heapOk ? "met" : "MISSED");
        System.out.printf("TARGET mute p99 under attack <= 1.5x no-attack p99: %.2f ms vs %.2f ms = %.2fx -> %s%n",
                attacked[2], calm[2], ratio, latencyOk ? "met" : "MISSED");
        System.out.printf("TARGET well-behaved reader saw the last change: %s%n", readerSequence.get() == last ? "yes" : "NO");
        return heapOk && latencyOk && readerSequence.get() == last;
    }

    /** N changes paced at R/s, each timed from its scheduled start; returns {p50, p90, p99, max} in ms. */
    private double[] mutePhase(int changes, int rate) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long scheduled = System.nanoTime();
        long[] took = new long[changes];
        for (int i = 0; i < changes; i++) {
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String action = changesMade++ % 2 == 0 ? "mute" : "unmute";
            HttpResponse<String> r = graph("POST", "/" + action, "{\"clientContext\":\"attack-bench-" + i + "\"}");
            took[i] = System.nanoTime() - scheduled;
            if (r.statusCode() != 200 || !r.body().contains("\"status\":\"Completed\"")) {
                throw new IllegalStateException(action + " answered " + r.statusCode() + ": " + r.body());
            }
            scheduled += interval;
        }
        Arrays.sort(took);
        return new double[] {pct(took, 50), pct(took, 90), pct(took, 99), took[took.length - 1] / 1e6};
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
    }

    private static void report(String phase, int changes, int rate, double[] ms) {
        System.out.printf("%s: %d roster changes (bot mute/unmute over Graph) at %d/s; latency ms p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                phase, changes, rate, ms[0], ms[1], ms[2], ms[3]);
    }

    private long heapAfterGcKb() throws Exception {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("cannot read the server's heap");
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String command) throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd", Long.toString(serverPid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private String rosterMetrics() throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        StringBuilder found = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("switchboard_roster_")) {
                found.append(found.isEmpty() ? "" : "; ").append(line);
            }
        }
        return found.isEmpty() ? "none (this server has no roster stream metrics)" : found.toString();
    }

    private WebSocket reader(String token, AtomicLong sequence, AtomicLong messages) throws Exception {
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    Matcher m = SEQUENCE.matcher(partial);
                    if (m.find()) {
                        sequence.set(Long.parseLong(m.group(1)));
                    }
                    messages.incrementAndGet();
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
        return HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(base.replace("http:", "ws:") + "/client/v1/calls/" + callId + "/roster"), listener)
                .get(10, TimeUnit.SECONDS);
    }

    private void createCall(String callback) throws Exception {
        String body = "{\"callbackUri\":\"" + callback + "\",\"requestedModalities\":[\"audio\"],"
                + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
                + "\"targets\":[{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.ALICE_ID + "\"}}},"
                + "{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}]}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        Matcher id = ID.matcher(r.body());
        if (r.statusCode() != 201 || !id.find() || !MY_PARTICIPANT.matcher(r.body()).find()) {
            throw new IllegalStateException("create call answered " + r.statusCode() + ": " + r.body());
        }
        callId = id.group(1);
    }

    private long sequence() throws Exception {
        Matcher me = MY_PARTICIPANT.matcher(graph("GET", "", null).body());
        me.find();
        Matcher seq = SEQUENCE.matcher(graph("GET", "/participants/" + me.group(1), null).body());
        seq.find();
        return Long.parseLong(seq.group(1));
    }

    private void join(String userToken) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/client/v1/calls/" + callId + "/participants"))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(OFFER)));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("join answered " + r.statusCode() + ": " + r.body());
        }
    }

    private HttpResponse<String> graph(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls/" + callId + path))
                .header("Authorization", "Bearer " + botToken).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String token(String base, String grant) throws Exception {
        String form = grant + "&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&scope=" + enc("https://graph.microsoft.com/.default");
        return tokenAt(base, form);
    }

    private static String tokenAt(String base, String form) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        Matcher m = TOKEN.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
