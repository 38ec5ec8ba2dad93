package dev.switchboard.media.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Debian's headless Chromium driven through Debian's chromedriver over plain WebDriver HTTP (W3C), for tests:
 * a fake microphone playing a WAV file, loopback WebRTC allowed. Nothing is downloaded. One session per instance.
 */
public final class Chromium implements AutoCloseable {
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path BROWSER = Path.of("/usr/lib/chromium/chromium");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;

    public static boolean available() {
        return Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
    }

    /**
     * Skips the calling test when Chromium is missing on a developer's machine; under CI ({@code CI=true}, where
     * {@code ./run-tests} installs it) a missing browser fails the test instead of skipping it silently.
     */
    public static void requireOrSkip() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            org.assertj.core.api.Assertions.assertThat(available()).as("chromium and chromium-driver installed (CI)").isTrue();
        } else {
            org.assertj.core.api.Assumptions.assumeThat(available()).as("chromium and chromium-driver installed").isTrue();
        }
    }

    /** Starts chromedriver and a browser whose fake microphone plays {@code wav} (looping). */
    public Chromium(Path wav, Path logDir) throws IOException, InterruptedException {
        this(wav, logDir, List.of());
    }

    /** As {@link #Chromium(Path, Path)}, with more command-line switches for the browser. */
    public Chromium(Path wav, Path logDir, List<String> extraArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        waitUntilReady();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + wav, "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required"));
        args.addAll(extraArgs);
        Map<String, Object> options = Map.of("binary", BROWSER.toString(), "args", args);
        JsonNode created = call("POST", "/session", Map.of("capabilities", Map.of("alwaysMatch",
                Map.of("browserName", "chrome", "goog:chromeOptions", options, "goog:loggingPrefs", Map.of("browser", "ALL")))));
        session = created.path("value").path("sessionId").asText();
    }

    public void open(String url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", Map.of("url", url));
    }

    /** Runs an async script (its last argument is the callback); returns its value. */
    public JsonNode executeAsync(String script, Object... args) throws IOException, InterruptedException {
        return call("POST", "/session/" + session + "/execute/async", Map.of("script", script, "args", List.of(args))).path("value");
    }

    public JsonNode execute(String script, Object... args) throws IOException, InterruptedException {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of(args))).path("value");
    }

    /**
     * The page's console entries of level SEVERE since the last call (script errors, and resources that failed to
     * load: a 404 for the favicon shows up here too), each as "source: message".
     */
    public List<String> consoleErrors() throws IOException, InterruptedException {
        List<String> errors = new java.util.ArrayList<>();
        for (JsonNode entry : call("POST", "/session/" + session + "/se/log", Map.of("type", "browser")).path("value")) {
            if (entry.path("level").asText().equals("SEVERE")) {
                errors.add(entry.path("source").asText() + ": " + entry.path("message").asText());
            }
        }
        return errors;
    }

    public void screenshot(Path png) throws IOException, InterruptedException {
        Files.write(png, Base64.getDecoder().decode(call("GET", "/session/" + session + "/screenshot", null).path("value").asText()));
    }

    /** Kills the browser's processes (SIGKILL): no DTLS close_notify, no goodbye at all. The driver stays up. */
    public void killBrowser() {
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private void waitUntilReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IOException("webdriver " + method + " " + path + " -> " + r.statusCode() + ": " + json.path("value").path("message").asText());
        }
        return json;
    }

    /** Sets the browser window's size (screenshots show this much). */
    public void windowSize(int width, int height) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/window/rect", Map.of("width", width, "height", height));
    }

    /** Clicks the first element matching a CSS selector (a real WebDriver click: the element must be visible). */
    public void click(String cssSelector) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/element/" + element(cssSelector) + "/click", Map.of());
    }

    /** Types {@code text} into the first element matching a CSS selector. */
    public void type(String cssSelector, String text) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/element/" + element(cssSelector) + "/value", Map.of("text", text));
    }

    /** The visible text of the first element matching a CSS selector. */
    public String text(String cssSelector) throws IOException, InterruptedException {
        return call("GET", "/session/" + session + "/element/" + element(cssSelector) + "/text", null).path("value").asText();
    }

    private String element(String cssSelector) throws IOException, InterruptedException {
        JsonNode found = call("POST", "/session/" + session + "/element", Map.of("using", "css selector", "value", cssSelector));
        JsonNode value = found.path("value");
        String id = value.path("element-6066-11e4-a52e-4f735466cecf").asText(value.path("ELEMENT").asText(""));
        if (id.isEmpty()) {
            throw new IOException("webdriver found no element for " + cssSelector + ": " + found);
        }
        return id;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (IOException | InterruptedException e) {
            // the driver is killed next anyway
        } finally {
            driver.destroy();
        }
    }
}
