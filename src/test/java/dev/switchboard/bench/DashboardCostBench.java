package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.server.Main;
import dev.switchboard.testsupport.RtpPeer;
import dev.switchboard.testsupport.Tokens;
import dev.switchboard.tools.ClientApi;
import dev.switchboard.tools.ServerHttp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dashboard costs the server: the full server ({@code serve}) in its own JVM with group calls whose user legs
 * all receive PCMU at 50 pps over loopback, its CPU measured from /proc over windows with no dashboard, with
 * {@code --dashboards} live feeds open (what the pages hold: even ones a call's page — server numbers, the call and
 * its levels —, odd ones the calls list — server numbers and the list of every call), interleaved: {@code --rounds}
 * rounds of "no dashboard, dashboards", then a last "no dashboard". Each round's rise compares its dashboards window
 * with the mean of the no-dashboard windows either side; the summary gives medians, the spread of the rounds' rises,
 * the load average at start and end, and a TARGET MET / MISSED verdict against the issue's +5 %. Bounded in time;
 * stops what it starts.
 *
 * <p>usage: DashboardCostBench [--calls C] [--users-per-call U (1..3)] [--dashboards D] [--seconds S] [--rounds R]
 */
public final class DashboardCostBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("Switchboard listening on (http://\\S+)");
    private static final String[][] USERS = {
            {DevIdentities.ALICE_ID, DevIdentities.ALICE_USERNAME, DevIdentities.ALICE_PASSWORD},
            {DevIdentities.BOB_ID, DevIdentities.BOB_USERNAME, DevIdentities.BOB_PASSWORD},
            {DevIdentities.CAROL_ID, DevIdentities.CAROL_USERNAME, DevIdentities.CAROL_PASSWORD}};

    private DashboardCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(arg(args, "--calls", "250"));
        int usersPerCall = Math.min(3, Integer.parseInt(arg(args, "--users-per-call", "3")));
        int dashboards = Integer.parseInt(arg(args, "--dashboards", "5"));
        double seconds = Double.parseDouble(arg(args, "--seconds", "8"));
        int rounds = Math.max(1, Integer.parseInt(arg(args, "--rounds", "5")));
        Path data = Files.createTempDirectory("dashboard-bench");
        int low = Integer.parseInt(arg(args, "--media-low", "52000"));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--port", "0",
                "--webrtc-port", "-1", "--data-dir", data.toString(), "--media-ports", low + "-" + (low + calls * usersPerCall + 50))
                .redirectErrorStream(true).start();
        try {
            String base = awaitListening(server.getInputStream());
            long pid = server.pid();
            System.out.printf(Locale.ROOT, "server pid=%d at %s; building %d calls x %d user legs (+%d bot legs)%n",
                    pid, base, calls, usersPerCall, calls);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String bot = Tokens.devBotToken(base);
            ClientApi[] users = new ClientApi[usersPerCall];
            for (int u = 0; u < usersPerCall; u++) {
                users[u] = new ClientApi(new ServerHttp(base), Tokens.userToken(base, DevIdentities.TENANT_ID, USERS[u][1], USERS[u][2]));
            }
            try (DatagramChannel out = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                 DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                String offer = offer(((InetSocketAddress) sink.getLocalAddress()).getPort());
                List<Integer> ports = new ArrayList<>();
                List<String> callIds = new ArrayList<>();
                for (int c = 0; c < calls; c++) {
                    String id = createCall(http, base, bot);
                    callIds.add(id);
                    for (ClientApi user : users) {
                        ports.add(mediaPort(user.join(id, offer).sdpAnswer()));
                    }
                }
                System.out.printf(Locale.ROOT, "%d calls, %d user legs joined%n", calls, ports.size());
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong sent = new AtomicLong();
                Thread sender = Thread.ofPlatform().name("rtp-sender").start(() -> send(out, ports, running, sent));
                String admin = signIn(http, base);
                Thread.sleep(5_000); // warm-up
                try (Dashboards warm = Dashboards.open(http, base, admin, dashboards, callIds)) {
                    Thread.sleep(8_000); // the dashboard's code is compiled now, not inside the first measured window
                }
                Thread.sleep(3_000);
                String load0 = loadAverage();
                long sent0 = sent.get();
                long sentAt0 = System.nanoTime();
                // off, on, off, on, ... off: each "on" window is compared with the "off" windows either side of it
                double[] off = new double[rounds + 1];
                double[] on = new double[rounds];
                double[] kib = new double[rounds];
                double[] ticker = new double[rounds];
                double[] levelsPerSecond = new double[rounds];
                Map<String, List<Double>> offGroups = new TreeMap<>();
                Map<String, List<Double>> onGroups = new TreeMap<>();
                for (int r = 0; r < rounds; r++) {
                    off[r] = window(pid, seconds, offGroups);
                    Dashboards d = Dashboards.open(http, base, admin, dashboards, callIds);
                    Thread.sleep(3_000);
                    long bytes0 = d.bytes.get();
                    long ticker0 = threadTicks(pid, TICKER_COMM);
                    long levels0 = d.levelFrames.get();
                    on[r] = window(pid, seconds, onGroups);
                    ticker[r] = (threadTicks(pid, TICKER_COMM) - ticker0) / 100.0 / seconds;
                    kib[r] = (d.bytes.get() - bytes0) / 1024.0 / seconds;
                    levelsPerSecond[r] = d.callPages == 0 ? 0 : (d.levelFrames.get() - levels0) / seconds / d.callPages;
                    d.close();
                    Thread.sleep(3_000);
                    System.out.printf(Locale.ROOT, "round %d: no dashboard %.3f cores, %d dashboards %.3f cores (the feed ticker %.4f),"
                            + " feeds %.1f KiB/s, %.1f levels frames/s per call page (load %s)%n", r + 1, off[r], dashboards, on[r],
                            ticker[r], kib[r], levelsPerSecond[r], loadAverage());
                }
                off[rounds] = window(pid, seconds, offGroups);
                double pps = (sent.get() - sent0) / ((System.nanoTime() - sentAt0) / 1e9);
                running.set(false);
                sender.join();
                String load1 = loadAverage();
                double[] rise = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    rise[r] = on[r] / ((off[r] + off[r + 1]) / 2) - 1;
                }
                double offMedian = median(off);
                double onMedian = median(on);
                double riseMedian = median(rise);
                double[] sorted = rise.clone();
                java.util.Arrays.sort(sorted);
                double wanted = ports.size() * 50.0;
                System.out.printf(Locale.ROOT, "legs=%d (%d user RTP legs + %d server-side bot legs); the sender reached %.0f"
                        + " packets/s of the %.0f wanted (%.0f %%)%n", ports.size() + calls, ports.size(), calls, pps,
                        wanted, 100 * pps / wanted);
                System.out.printf(Locale.ROOT, "no dashboard windows: %s cores; %d dashboards windows: %s cores%n",
                        java.util.Arrays.toString(off), dashboards, java.util.Arrays.toString(on));
                boolean fullRate = pps >= 0.9 * wanted;
                System.out.println("where the difference is (server threads grouped by name; median cores without -> with dashboards):");
                for (String g : biggestDifferences(offGroups, onGroups, 8)) {
                    double a = median(offGroups.getOrDefault(g, List.of(0.0)));
                    double b = median(onGroups.getOrDefault(g, List.of(0.0)));
                    System.out.printf(Locale.ROOT, "  %-16s %.4f -> %.4f (%+.4f)%n", g, a, b, b - a);
                }
                double outside = 0;
                Set<String> groups = new TreeSet<>(offGroups.keySet());
                groups.addAll(onGroups.keySet());
                for (String g : groups) {
                    if (!g.startsWith(MEDIA_COMM)) {
                        outside += median(onGroups.getOrDefault(g, List.of(0.0))) - median(offGroups.getOrDefault(g, List.of(0.0)));
                    }
                }
                System.out.printf(Locale.ROOT, "outside the media threads (%s*) the server's CPU rose %+.4f cores = %+.2f %% of the"
                        + " no-dashboard median (the media threads' own difference above shows interference or noise)%n",
                        MEDIA_COMM, outside, 100 * outside / offMedian);
                System.out.printf(Locale.ROOT, "the feed ticker's own CPU (renders every topic; the feeds' writes are not in it):"
                        + " median %.4f cores = %.2f %% of the no-dashboard median%n", median(ticker), 100 * median(ticker) / offMedian);
                System.out.printf(Locale.ROOT, "SUMMARY dashboard-cost: %d legs, %d rounds of %.0f s: no dashboard median %.3f cores,"
                                + " %d dashboards median %.3f cores, rise median %+.1f %% (rounds %+.1f .. %+.1f %%), feeds %.1f KiB/s,"
                                + " %.1f levels frames/s per call page,"
                                + " load average %s -> %s%s => TARGET %s (< +5 %%)%n",
                        ports.size() + calls, rounds, seconds, offMedian, dashboards, onMedian, 100 * riseMedian,
                        100 * sorted[0], 100 * sorted[rounds - 1], median(kib), median(levelsPerSecond), load0, load1,
                        fullRate ? "" : " [sender below 90 % of the packet rate: not a valid measurement]",
                        riseMedian < 0.05 && fullRate ? "MET" : "MISSED");
            }
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void send(DatagramChannel out, List<Integer> ports, AtomicBoolean running, AtomicLong sent) {
        int ssrc = 0x5eed;
        ByteBuffer buf = ByteBuffer.allocate(172);
        InetSocketAddress[] to = ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toArray(InetSocketAddress[]::new);
        byte[][] frames = new byte[50][];
        for (int f = 0; f < frames.length; f++) {
            frames[f] = RtpPeer.pcmuTone(440, f);
        }
        long next = System.nanoTime();
        for (int seq = 0; running.get(); seq++) {
            for (int i = 0; i < to.length; i++) {
                byte[] packet = RtpPeer.rtp(0, seq & 0xffff, seq * 160, ssrc + i, frames[seq % frames.length]);
                buf.clear();
                buf.put(packet).flip();
                try {
                    out.send(buf, to[i]);
                    sent.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
            next += 20_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(sleep);
            }
        }
    }

    /** {@code n} live feeds held open like pages hold them (even ones a call's page, odd ones the calls list). */
    private static final class Dashboards implements AutoCloseable {
        final AtomicLong bytes = new AtomicLong();
        /** {@code levels} frames received by the call pages. */
        final AtomicLong levelFrames = new AtomicLong();
        int callPages;
        private final AtomicBoolean feeding = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<InputStream> streams = java.util.Collections.synchronizedList(new ArrayList<>());

        static Dashboards open(HttpClient http, String base, String token, int n, List<String> callIds) {
            Dashboards d = new Dashboards();
            for (int i = 0; i < n; i++) {
                String callId = i % 2 == 0 ? callIds.get(i % callIds.size()) : null;
                d.callPages += callId == null ? 0 : 1;
                d.threads.add(Thread.ofPlatform().name("feed-" + i).start(() -> d.feed(http, base, token, callId)));
            }
            return d;
        }

        private void feed(HttpClient http, String base, String token, String callId) {
            while (feeding.get()) {
                try {
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/feed"
                                    + (callId == null ? "" : "?callId=" + callId))).header("Authorization", "Bearer " + token).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = r.body();
                         BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        streams.add(in);
                        for (String line; feeding.get() && (line = lines.readLine()) != null; ) {
                            bytes.addAndGet(line.length() + 1);
                            if (line.equals("event: levels")) {
                                levelFrames.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException e) {
                    // reconnect while feeding
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Closes every feed (the server sees each connection go) and waits for the readers. */
        @Override
        public void close() throws InterruptedException {
            feeding.set(false);
            synchronized (streams) {
                for (InputStream in : streams) {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join(5_000);
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The 1-, 5- and 15-minute load averages, as /proc/loadavg has them. */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + "/" + f[1] + "/" + f[2];
    }

    /** The first 15 characters of the feed ticker thread's name, as /proc/PID/task/TID/comm shows it. */
    private static final String TICKER_COMM = "dashboard-feed-ticker".substring(0, 15);
    /** The media plane's threads' names begin so (/proc shows 15 characters). */
    private static final String MEDIA_COMM = "switchboard-med";

    /** CPU ticks (utime+stime) of the process's threads whose comm is {@code comm}; 0 when none runs. */
    private static long threadTicks(long pid, String comm) throws IOException {
        long sum = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(comm)) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /**
     * The server's CPU over {@code seconds}, in cores; adds each thread group's cores (threads by name with numbers
     * stripped, from /proc/PID/task) to {@code groups}.
     */
    private static double window(long pid, double seconds, Map<String, List<Double>> groups) throws Exception {
        Map<String, Long> before = threadGroups(pid);
        long t0 = System.nanoTime();
        double cores = cpuCores(pid, seconds);
        Map<String, Long> after = threadGroups(pid);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String g : names) {
            double c = Math.max(0, after.getOrDefault(g, 0L) - before.getOrDefault(g, 0L)) / 100.0 / elapsed;
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(c);
        }
        return cores;
    }

    /** CPU ticks by thread group (the thread's comm with digits and separators at its end stripped). */
    private static Map<String, Long> threadGroups(long pid) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String group = Files.readString(task.resolve("comm")).strip().replaceAll("[-_#\\s\\d]+$", "");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(group, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    private static List<String> biggestDifferences(Map<String, List<Double>> off, Map<String, List<Double>> on, int n) {
        Set<String> names = new TreeSet<>(off.keySet());
        names.addAll(on.keySet());
        return names.stream().sorted(java.util.Comparator.comparingDouble((String g) -> -Math.abs(
                median(on.getOrDefault(g, List.of(0.0))) - median(off.getOrDefault(g, List.of(0.0)))))).limit(n).toList();
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The server's CPU over {@code seconds}, in cores (from /proc/PID/stat utime+stime). */
    private static double cpuCores(long pid, double seconds) throws Exception {
        long t0 = System.nanoTime();
        long c0 = cpuTicks(pid);
        Thread.sleep((long) (seconds * 1000));
        long c1 = cpuTicks(pid);
        return (c1 - c0) / 100.0 / ((System.nanoTime() - t0) / 1e9);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String createCall(HttpClient http, String base, String bot) throws Exception {
        String body = ("{\"callbackUri\":\"http://127.0.0.1:9/none\",\"requestedModalities\":[\"audio\"],"
                + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
                + "\"targets\":[{\"identity\":{\"user\":{\"id\":\"%s\"}}},{\"identity\":{\"user\":{\"id\":\"%s\"}}}]}")
                .formatted(USERS[0][0], USERS[1][0]);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls"))
                .header("Authorization", "Bearer " + bot).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create call: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static String signIn(HttpClient http, String base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/signin"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"admin\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private static String offer(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=bench\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    private static int mediaPort(String answer) {
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no media port in " + answer);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String awaitListening(InputStream output) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the server ended
            }
            url.completeExceptionally(new IllegalStateException("the server exited before listening"));
        });
        return url.get(120, TimeUnit.SECONDS);
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
