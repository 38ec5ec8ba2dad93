package dev.switchboard.bench;

import dev.switchboard.auth.DevIdentities;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/graph-load --cluster N}: the mute path of a cluster. Creates calls through the first node (placement
 * spreads them), then runs two closed-loop phases of {@code POST …/participants/{bot}/mute|unmute}: every request to
 * the call's owner, then every request to a node that does not own the call (one hop). For each phase: ops/s, p50,
 * p99, errors, and the Redis commands per mute (from {@code INFO commandstats}, minus the heartbeats' rate measured
 * while idle just before).
 *
 * <p>Usage: {@code ClusterLoad REDIS_URI NODE_URL... [--calls 60] [--connections 16] [--seconds 15]}
 */
public final class ClusterLoad {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern ME = Pattern.compile("\"myParticipantId\":\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern CALLS = Pattern.compile("cmdstat_[a-z|]+:calls=(\\d+)");
    private static final Pattern EVALS = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)");
    /** Commands the one script on the mute path runs (the owner's webhook sequence write: HGET owner, HSET seq). */
    private static final int COMMANDS_PER_MUTE_PATH_SCRIPT = 2;

    record Target(String callId, String botParticipant, String owner, String other) {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                i++;
            } else {
                positional.add(args[i]);
            }
        }
        String redisUri = positional.get(0);
        List<String> nodes = positional.subList(1, positional.size());
        int calls = intArg(args, "--calls", 60);
        int connections = intArg(args, "--connections", 16);
        int seconds = intArg(args, "--seconds", 15);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = token(http, nodes.get(0));
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 128);
        receiver.createContext("/cb", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        receiver.start();
        String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb";
        try (RedisClient redis = RedisClient.create(redisUri)) {
            Map<String, String> urls = new java.util.HashMap<>();
            for (String id : redis.hkeys("sb:nodes")) {
                String rec = redis.get("sb:node:" + id);
                urls.put(id, rec.split("\t")[2]);
            }
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String body = "{\"@odata.type\":\"#microsoft.graph.call\",\"callbackUri\":\"" + callback + "\","
                        + "\"tenantId\":\"" + DevIdentities.TENANT_ID + "\",\"requestedModalities\":[\"audio\"],"
                        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
                        + "\"targets\":[{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\",\"identity\":{\"@odata.type\":"
                        + "\"#microsoft.graph.identitySet\",\"user\":{\"@odata.type\":\"#microsoft.graph.identity\",\"id\":\""
                        + DevIdentities.ALICE_ID + "\"}}},{\"identity\":{\"user\":{\"id\":\"" + DevIdentities.BOB_ID + "\"}}}]}";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(nodes.get(0) + "/v1.0/communications/calls"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("create: " + r.statusCode() + " " + r.body());
                }
                String id = group(ID, r.body());
                String owner = redis.hget("sb:call:" + id, "owner").split("/")[0];
                String other = urls.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();
                targets.add(new Target(id, group(ME, r.body()), urls.get(owner), urls.get(other)));
                if (i % 10 == 9) {
                    Thread.sleep(1100); // let placement see the load
                }
            }
            Map<String, Long> spread = new java.util.TreeMap<>();
            targets.forEach(t -> spread.merge(t.owner(), 1L, Long::sum));
            System.out.println("cluster of " + urls.size() + " nodes; " + calls + " calls placed: " + spread);
            phase("warm-up", http, token, targets, true, connections, 3, redis);
            Result owner = phase("owner", http, token, targets, true, connections, seconds, redis);
            Result hop = phase("non-owner", http, token, targets, false, connections, seconds, redis);
            System.out.printf("non-owner p99 / owner p99 = %.2f%n", hop.p99 / owner.p99);
            boolean met = hop.roundTripsPerOp() <= 3 && hop.p99() <= 2 * owner.p99() && hop.errors() == 0 && owner.errors() == 0;
            System.out.printf("SUMMARY cluster mute: owner %.0f/s p99 %.1f ms %.2f round trips; non-owner %.0f/s p99 %.1f ms"
                            + " %.2f round trips (target <= 3); p99 ratio %.2f (target <= 2) -> %s%n",
                    owner.opsPerSecond(), owner.p99(), owner.roundTripsPerOp(), hop.opsPerSecond(), hop.p99(),
                    hop.roundTripsPerOp(), hop.p99() / owner.p99(), met ? "TARGET MET" : "TARGET MISSED");
        } finally {
            receiver.stop(0);
        }
    }

    record Result(double opsPerSecond, double p50, double p99, long errors, double redisPerOp, double roundTripsPerOp) {
    }

    static Result phase(String name, HttpClient http, String token, List<Target> targets, boolean toOwner,
                        int connections, int seconds, RedisClient redis) throws Exception {
        long idle0 = redisCalls(redis);
        long idleEvals0 = redisCalls(redis, EVALS);
        Thread.sleep(2000);
        double idleRate = (redisCalls(redis) - idle0) / 2.0; // heartbeats, per second
        double idleEvalRate = (redisCalls(redis, EVALS) - idleEvals0) / 2.0;
        long evalsBefore = redisCalls(redis, EVALS);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long before = redisCalls(redis);
        long t0 = System.nanoTime();
        long end = t0 + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < connections; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        Target t = targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
                        String action = ThreadLocalRandom.current().nextBoolean() ? "mute" : "unmute";
                        String base = toOwner ? t.owner() : t.other();
                        long s = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                                            + "/v1.0/communications/calls/" + t.callId() + "/" + action))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"clientContext\":\"bench\"}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200 || !r.body().contains("\"status\":\"Completed\"")) {
                                if (errors.incrementAndGet() == 1) {
                                    System.out.println("first error: HTTP " + r.statusCode() + " " + r.body());
                                }
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - s);
                    }
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long redisCommands = redisCalls(redis) - before;
        long evals = redisCalls(redis, EVALS) - evalsBefore;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6;
        double p99 = sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] / 1e6;
        double perOp = sorted.length == 0 ? 0 : Math.max(0, redisCommands - idleRate * elapsed) / sorted.length;
        double evalsPerOp = sorted.length == 0 ? 0 : Math.max(0, evals - idleEvalRate * elapsed) / sorted.length;
        // INFO commandstats also counts the commands a script runs; a script is one round trip
        double roundTrips = Math.max(0, perOp - COMMANDS_PER_MUTE_PATH_SCRIPT * evalsPerOp);
        Result r = new Result(sorted.length / elapsed, p50, p99, errors.get(), perOp, roundTrips);
        System.out.printf("%-9s %6.0f mutes/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  redis commands/mute %.2f, round trips/mute %.2f"
                        + " (scripts %.2f/mute; idle %.0f/s subtracted)%n",
                name, r.opsPerSecond(), p50, p99, r.errors(), perOp, roundTrips, evalsPerOp, idleRate);
        return r;
    }

    static long redisCalls(RedisClient redis) {
        return redisCalls(redis, CALLS);
    }

    static long redisCalls(RedisClient redis, Pattern which) {
        String info = redis.info("commandstats");
        long total = 0;
        Matcher m = which.matcher(info);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    static String token(HttpClient http, String base) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                + enc(DevIdentities.DEV_BOT_SECRET) + "&scope=" + enc("https://graph.microsoft.com/.default");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/" + DevIdentities.TENANT_ID
                        + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return group(TOKEN, r.body());
    }

    private static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalStateException(p + " not in " + s);
        }
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int intArg(String[] args, String name, int dflt) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : dflt;
    }
}
