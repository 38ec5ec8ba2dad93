package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.auth.DevIdentities;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link LoadTarget} for a running {@code switchboard serve} whose {@code --config} holds the Dev Bot app and users
 * {@code u0@bench.local …} (password {@code p}): a room is a group call the bot creates with app-hosted media (the
 * bot's leg is the room's first leg), the others join through the client API with their own user tokens; the mute
 * is the Graph {@code POST /v1.0/communications/calls/{id}/mute} (and {@code unmute}) with the bot's real token.
 * A loopback webhook receiver answers every notification 202, as a bot would.
 */
final class SwitchboardLoadTarget implements LoadTarget {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUDIO_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final Pattern METRIC = Pattern.compile("^([a-z_]+)(\\{.*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private final URI base;
    private final String botToken;
    private GraphLoad.Connection control;
    private final HttpServer webhooks;
    private final Map<Integer, String> userTokens;
    private final String callback;

    private SwitchboardLoadTarget(URI base, String botToken, HttpServer webhooks, Map<Integer, String> userTokens,
                                  String callback) throws IOException {
        this.base = base;
        this.botToken = botToken;
        this.webhooks = webhooks;
        this.userTokens = userTokens;
        this.callback = callback;
        this.control = new GraphLoad.Connection(base);
    }

    static SwitchboardLoadTarget connect(URI base) throws IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        receiver.createContext("/cb", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        receiver.setExecutor(pool);
        receiver.start();
        String token = token(base, "grant_type=client_credentials&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID)
                + "&client_secret=" + enc(DevIdentities.DEV_BOT_SECRET) + "&scope=" + enc("https://graph.microsoft.com/.default"));
        return new SwitchboardLoadTarget(base, token, receiver, new HashMap<>(),
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb");
    }

    private static String token(URI base, String form) throws IOException {
        try (GraphLoad.Connection c = new GraphLoad.Connection(base)) {
            GraphLoad.Response r = c.send("POST", "/" + DevIdentities.TENANT_ID + "/oauth2/v2.0/token", null,
                    "application/x-www-form-urlencoded", form);
            if (r.status() != 200) {
                throw new IOException("token endpoint answered " + r.status() + ": " + r.body());
            }
            return JSON.readTree(r.body()).get("access_token").asText();
        }
    }

    private String userToken(int user) throws IOException {
        String t = userTokens.get(user);
        if (t == null) {
            t = token(base, "grant_type=password&client_id=" + enc(DevIdentities.DEV_BOT_APP_ID) + "&client_secret="
                    + enc(DevIdentities.DEV_BOT_SECRET) + "&username=" + enc("u" + user + "@bench.local") + "&password=p"
                    + "&scope=" + enc("https://graph.microsoft.com/.default"));
            userTokens.put(user, t);
        }
        return t;
    }

    @Override
    public Leg openRoom(String name, String codec, int firstLocalPort) throws IOException {
        String body = "{\"callbackUri\":\"" + callback + "\",\"requestedModalities\":[\"audio\"],"
                + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.appHostedMediaConfig\",\"blob\":"
                + JSON.writeValueAsString(MuteUnderLoad.offer(codec, firstLocalPort)) + "},"
                + "\"targets\":[{\"identity\":{\"user\":{\"id\":\"u0\"}}},{\"identity\":{\"user\":{\"id\":\"u1\"}}}]}";
        GraphLoad.Response r = send("POST", "/v1.0/communications/calls", botToken, "application/json", body);
        if (r.status() != 201) {
            throw new IOException("create call answered " + r.status() + ": " + r.body());
        }
        JsonNode call = JSON.readTree(r.body());
        return new Leg(port(call.path("mediaConfig").path("blob").asText()), call.get("id").asText(), "bot");
    }

    @Override
    public Leg join(Leg first, int index, String codec, int localPort) throws IOException {
        GraphLoad.Response r = send("POST", "/client/v1/calls/" + first.room() + "/participants",
                userToken(index - 1), "application/sdp", MuteUnderLoad.offer(codec, localPort));
        if (r.status() != 201 && r.status() != 200) {
            throw new IOException("join answered " + r.status() + ": " + r.body());
        }
        return new Leg(port(r.body()), first.room(), "u" + (index - 1));
    }

    /** A request on the keep-alive connection; once more on a new one if the server had closed it while idle. */
    private GraphLoad.Response send(String method, String path, String token, String type, String body) throws IOException {
        try {
            return control.send(method, path, token, type, body);
        } catch (IOException e) {
            control.close();
            control = new GraphLoad.Connection(base);
            return send(method, path, token, type, body);
        }
    }

    private static int port(String sdp) throws IOException {
        Matcher m = AUDIO_PORT.matcher(sdp);
        if (!m.find()) {
            throw new IOException("no m=audio port in " + sdp);
        }
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void setMuted(Leg first, boolean muted) throws IOException {
        GraphLoad.Response r = send("POST", "/v1.0/communications/calls/" + first.room() + (muted ? "/mute" : "/unmute"),
                botToken, "application/json", "{\"clientContext\":\"bench\"}");
        if (r.status() != 200 || !r.body().contains("\"Completed\"")) {
            throw new IOException((muted ? "mute" : "unmute") + " answered " + r.status() + ": " + r.body());
        }
    }

    @Override
    public LoadTarget forkControl() throws IOException {
        return new SwitchboardLoadTarget(base, botToken, null, userTokens, callback);
    }

    @Override
    public String serverFigures() throws IOException {
        GraphLoad.Response r = send("GET", "/metrics", null, "text/plain", "");
        double ticks = 0;
        double late = 0;
        double lateGc = 0;
        double heap = 0;
        double leak = 0;
        double tickCount = 0;
        double tickSum = 0;
        double muteCount = 0;
        double muteSum = 0;
        Matcher m = METRIC.matcher(r.body());
        while (m.find()) {
            double v = Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "switchboard_media_mixer_ticks_total" -> ticks += v;
                case "switchboard_media_mixer_late_ticks_total" -> late += v;
                case "switchboard_media_mixer_late_ticks_after_collection_total" -> lateGc += v;
                case "switchboard_media_mixed_after_mute_total" -> leak += v;
                case "switchboard_media_mixer_tick_seconds_count" -> tickCount += v;
                case "switchboard_media_mixer_tick_seconds_sum" -> tickSum += v;
                case "http_server_requests_seconds_count" -> muteCount += muteRoute(m.group(2)) ? v : 0;
                case "http_server_requests_seconds_sum" -> muteSum += muteRoute(m.group(2)) ? v : 0;
                case "jvm_memory_used_bytes" -> heap += m.group(2) != null && m.group(2).contains("area=\"heap\"") ? v : 0;
                default -> { }
            }
        }
        return String.format(java.util.Locale.ROOT, "ticks=%.0f late=%.0f heapUsed=%.0f mixedAfterMute=%.0f tickCount=%.0f tickMicros=%.0f"
                + " muteHandled=%.0f muteHandlerMicros=%.0f lateAfterCollection=%.0f", ticks, late, heap, leak, tickCount, tickSum * 1e6,
                muteCount, muteSum * 1e6, lateGc);
    }

    /** The Graph mute and unmute routes (the server's own handler time is {@code http.server.requests} by route). */
    private static boolean muteRoute(String labels) {
        return labels != null && labels.contains("method=\"POST\"") && (labels.contains("}/mute\"") || labels.contains("}/unmute\""));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        control.close();
        if (webhooks != null) {
            webhooks.stop(0);
            ((ExecutorService) webhooks.getExecutor()).shutdownNow();
        }
    }
}
