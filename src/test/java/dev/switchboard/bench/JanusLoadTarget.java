package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link LoadTarget} for Janus AudioBridge (Debian's {@code janus}) through its plain HTTP API: one session, one
 * control handle for {@code create}/{@code mute}/{@code unmute} (synchronous requests), one handle per participant
 * joining with {@code "rtp":{ip,port,payload_type}} (plain-RTP participants; the join's event, read by long poll,
 * names the port Janus receives on). Rooms mix at 16 kHz for G.711 and 48 kHz for Opus.
 */
final class JanusLoadTarget implements LoadTarget {
    private static final AtomicLong TRANSACTIONS = new AtomicLong();
    private static final AtomicLong ROOMS = new AtomicLong(4000);

    private final URI base;
    private final long session;
    private final long controlHandle;
    private GraphLoad.Connection control;
    private final Map<String, CompletableFuture<JsonNode>> events;
    private final Thread poller;

    private JanusLoadTarget(URI base, long session, long controlHandle, Map<String, CompletableFuture<JsonNode>> events,
                            Thread poller) throws IOException {
        this.base = base;
        this.session = session;
        this.controlHandle = controlHandle;
        this.events = events;
        this.poller = poller;
        this.control = new GraphLoad.Connection(base);
    }

    static JanusLoadTarget connect(URI base) throws IOException {
        try (GraphLoad.Connection c = new GraphLoad.Connection(base)) {
            long session = call(c, base.getPath(), janus("create")).path("data").path("id").asLong();
            ObjectNode attach = janus("attach").put("plugin", "janus.plugin.audiobridge");
            long handle = call(c, base.getPath() + "/" + session, attach).path("data").path("id").asLong();
            Map<String, CompletableFuture<JsonNode>> events = new ConcurrentHashMap<>();
            Thread poller = Thread.ofPlatform().daemon(true).name("janus-longpoll").start(() -> poll(base, session, events));
            return new JanusLoadTarget(base, session, handle, events, poller);
        }
    }

    private static ObjectNode janus(String verb) {
        return SwitchboardLoadTarget.JSON.createObjectNode().put("janus", verb).put("transaction", "t" + TRANSACTIONS.incrementAndGet());
    }

    private static JsonNode call(GraphLoad.Connection c, String path, ObjectNode request) throws IOException {
        GraphLoad.Response r = c.send("POST", path, null, "application/json", request.toString());
        JsonNode answer = SwitchboardLoadTarget.JSON.readTree(r.body());
        String kind = answer.path("janus").asText();
        if (r.status() != 200 || !(kind.equals("success") || kind.equals("ack"))) {
            throw new IOException("janus answered " + r.status() + ": " + r.body());
        }
        return answer;
    }

    private static void poll(URI base, long session, Map<String, CompletableFuture<JsonNode>> events) {
        HttpClient http = HttpClient.newHttpClient();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(base.getPath() + "/" + session + "?maxev=50"))
                        .timeout(Duration.ofSeconds(70)).GET().build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = SwitchboardLoadTarget.JSON.readTree(r.body());
                for (JsonNode e : body.isArray() ? body : SwitchboardLoadTarget.JSON.createArrayNode().add(body)) {
                    String tx = e.path("transaction").asText("");
                    if (!tx.isEmpty()) {
                        events.computeIfAbsent(tx, k -> new CompletableFuture<>()).complete(e);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // the session ended or a long poll timed out: poll again
            }
        }
    }

    /** A request on the keep-alive connection; once more on a new one if Janus had closed it while idle. */
    private JsonNode send(String path, ObjectNode request) throws IOException {
        try {
            return call(control, path, request);
        } catch (IOException e) {
            control.close();
            control = new GraphLoad.Connection(base);
            return call(control, path, request);
        }
    }

    /** A synchronous AudioBridge request on the control handle; returns its plugin data. */
    private JsonNode plugin(ObjectNode body) throws IOException {
        ObjectNode msg = janus("message");
        msg.set("body", body);
        JsonNode data = send(base.getPath() + "/" + session + "/" + controlHandle, msg).path("plugindata").path("data");
        if (data.has("error_code")) {
            throw new IOException("audiobridge: " + data);
        }
        return data;
    }

    @Override
    public Leg openRoom(String name, String codec, int firstLocalPort) throws IOException {
        long room = ROOMS.incrementAndGet();
        plugin(SwitchboardLoadTarget.JSON.createObjectNode().put("request", "create").put("room", room)
                .put("description", name).put("allow_rtp_participants", true).put("sampling_rate", codec.equals("OPUS") ? 48000 : 16000).put("record", false));
        return join(new Leg(0, Long.toString(room), "-"), 0, codec, firstLocalPort);
    }

    @Override
    public Leg join(Leg first, int index, String codec, int localPort) throws IOException {
        long handle = send(base.getPath() + "/" + session, janus("attach").put("plugin", "janus.plugin.audiobridge"))
                .path("data").path("id").asLong();
        ObjectNode body = SwitchboardLoadTarget.JSON.createObjectNode().put("request", "join").put("room", Long.parseLong(first.room()))
                .put("display", "p" + index).put("codec", codec.equals("OPUS") ? "opus" : "pcmu").put("muted", false);
        body.putObject("rtp").put("ip", "127.0.0.1").put("port", localPort).put("payload_type", MuteUnderLoad.payloadType(codec));
        ObjectNode msg = janus("message");
        msg.set("body", body);
        String tx = msg.get("transaction").asText();
        CompletableFuture<JsonNode> event = events.computeIfAbsent(tx, k -> new CompletableFuture<>());
        send(base.getPath() + "/" + session + "/" + handle, msg);
        JsonNode joined;
        try {
            joined = event.get(30, TimeUnit.SECONDS).path("plugindata").path("data");
        } catch (Exception e) {
            throw new IOException("no join event from janus", e);
        } finally {
            events.remove(tx);
        }
        if (!joined.path("audiobridge").asText().equals("joined") || !joined.has("rtp")) {
            throw new IOException("janus join: " + joined);
        }
        return new Leg(joined.path("rtp").path("port").asInt(), first.room(), joined.path("id").asText());
    }

    @Override
    public void setMuted(Leg first, boolean muted) throws IOException {
        plugin(SwitchboardLoadTarget.JSON.createObjectNode().put("request", muted ? "mute" : "unmute")
                .put("room", Long.parseLong(first.room())).put("id", Long.parseLong(first.id())));
    }

    @Override
    public LoadTarget forkControl() throws IOException {
        return new JanusLoadTarget(base, session, controlHandle, events, null);
    }

    @Override
    public String serverFigures() {
        return "";
    }

    @Override
    public void close() {
        control.close();
        if (poller != null) {
            poller.interrupt();
        }
    }
}
