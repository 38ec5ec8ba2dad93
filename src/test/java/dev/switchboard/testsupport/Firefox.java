package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Firefox ESR driven through its built-in WebDriver BiDi (no geckodriver: Debian has none and nothing
 * may be downloaded), for tests. Starts {@code firefox-esr --headless --remote-debugging-port=P --profile <fresh dir>},
 * connects a WebSocket to {@code ws://127.0.0.1:P/session}, creates a session ({@code session.new}) and drives the
 * first top-level browsing context: {@code browsingContext.navigate}, {@code script.callFunction},
 * {@code browsingContext.setViewport}, {@code browsingContext.captureScreenshot}. One session per instance; stops the
 * browser and deletes the profile on {@link #close}.
 *
 * <p>Commands block their caller until the answer (or {@link #COMMAND_TIMEOUT}); any thread, one command at a time
 * per caller. Script values come back as strings: {@link #execute} serializes the function's result with
 * {@code JSON.stringify} in the page.
 */
public final class Firefox implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/firefox-esr");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process browser;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final String context;

    public static boolean available() {
        return Files.isExecutable(BROWSER);
    }

    /**
     * Skips the calling test when Firefox is missing on a developer's machine; under CI ({@code CI=true}, where
     * {@code ./run-tests} installs firefox-esr) a missing browser fails the test instead of skipping it silently.
     */
    public static void requireOrSkip() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            org.assertj.core.api.Assertions.assertThat(available()).as("firefox-esr installed (CI)").isTrue();
        } else {
            org.assertj.core.api.Assumptions.assumeThat(available()).as("firefox-esr installed").isTrue();
        }
    }

    /** Starts the browser (its output goes to {@code logDir/firefox.log}) and opens a BiDi session. */
    public Firefox(Path logDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        profile = Files.createTempDirectory("firefox-profile");
        ProcessBuilder pb = new ProcessBuilder(BROWSER.toString(), "--headless", "--no-remote",
                "--remote-debugging-port=" + port, "--profile", profile.toString())
                .redirectErrorStream(true).redirectOutput(logDir.resolve("firefox.log").toFile());
        pb.environment().put("MOZ_HEADLESS", "1");
        browser = pb.start();
        try {
            socket = connect(port);
            send("session.new", JSON.createObjectNode().set("capabilities", JSON.createObjectNode()));
            JsonNode tree = send("browsingContext.getTree", JSON.createObjectNode().put("maxDepth", 0));
            context = tree.path("contexts").get(0).path("context").asText();
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Opens {@code url} in the page and waits for its load event. */
    public void open(String url) throws IOException, InterruptedException {
        send("browsingContext.navigate", JSON.createObjectNode().put("context", context).put("url", url).put("wait", "complete"));
    }

    /** Sets the page's viewport in CSS pixels. */
    public void windowSize(int width, int height) throws IOException, InterruptedException {
        ObjectNode p = JSON.createObjectNode().put("context", context);
        p.putObject("viewport").put("width", width).put("height", height);
        send("browsingContext.setViewport", p);
    }

    /**
     * Runs {@code functionBody} as the body of a function in the page (its arguments are {@code args}, as strings;
     * a returned promise is awaited) and returns what it returns as JSON (JSON {@code null} for undefined).
     *
     * @throws IllegalStateException when the script throws
     */
    public JsonNode execute(String functionBody, String... args) throws IOException, InterruptedException {
        ObjectNode p = JSON.createObjectNode();
        p.put("functionDeclaration", "async function() { const r = await (async () => { " + functionBody
                + " }).apply(null, arguments); return r === undefined ? 'null' : JSON.stringify(r); }");
        ArrayNode a = p.putArray("arguments");
        for (String arg : args) {
            a.addObject().put("type", "string").put("value", arg);
        }
        p.put("awaitPromise", true);
        p.putObject("target").put("context", context);
        p.put("resultOwnership", "none");
        JsonNode r = send("script.callFunction", p);
        if (!"success".equals(r.path("type").asText())) {
            throw new IllegalStateException("script failed: " + r.path("exceptionDetails").path("text").asText(r.toString()));
        }
        return JSON.readTree(r.path("result").path("value").asText("null"));
    }

    /** Clicks the first element matching {@code css} (the DOM's click(): the element's handlers and default action run). */
    public void click(String css) throws IOException, InterruptedException {
        JsonNode clicked = execute("const e = document.querySelector(arguments[0]); if (!e) return false; e.click(); return true;", css);
        if (!clicked.asBoolean()) {
            throw new IllegalStateException("no element matches " + css);
        }
    }

    /** Sets an input's value as typing would (an input event follows). */
    public void type(String css, String text) throws IOException, InterruptedException {
        execute("const e = document.querySelector(arguments[0]); e.focus(); e.value = arguments[1];"
                + " e.dispatchEvent(new Event('input', {bubbles: true})); return true;", css, text);
    }

    /** A PNG of the viewport, written to {@code png}. */
    public void screenshot(Path png) throws IOException, InterruptedException {
        JsonNode r = send("browsingContext.captureScreenshot", JSON.createObjectNode().put("context", context));
        Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
    }

    @Override
    public void close() {
        try {
            send("session.end", JSON.createObjectNode());
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the browser is stopped below anyway
        }
        socket.abort();
        stop();
    }

    private void stop() {
        browser.destroy();
        try {
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            browser.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }

    private WebSocket connect(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/session"), new Listener())
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                if (!browser.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("Firefox's WebDriver BiDi did not answer on port " + port, e);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Sends one command and waits for its result. */
    private JsonNode send(String method, ObjectNode params) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        try {
            synchronized (socket) {
                socket.sendText(JSON.writeValueAsString(msg), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonNode r = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if ("error".equals(r.path("type").asText())) {
                throw new IllegalStateException(method + ": " + r.path("error").asText() + " " + r.path("message").asText());
            }
            return r.path("result");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(method + " got no answer", e);
        } finally {
            waiting.remove(id);
        }
    }

    /** Collects text frames into messages; answers go to their command, events are ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(text.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? waiting.get(msg.path("id").asInt()) : null;
                    if (f != null) {
                        f.complete(msg);
                    }
                } catch (IOException ignored) {
                    // not JSON: not BiDi
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            waiting.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
