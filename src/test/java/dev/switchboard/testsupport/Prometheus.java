package dev.switchboard.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a server's {@code /metrics} (Prometheus text), for tests that watch a gauge or a counter. */
public final class Prometheus {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Prometheus() {
    }

    /** The first sample of {@code name} (any labels), asserted to be there. */
    public static long sample(String baseUrl, String name) throws Exception {
        Matcher m = find(baseUrl, name);
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    /** A counter's first sample, 0 while it has none (a labelled counter appears with its first increment). */
    public static long counter(String baseUrl, String name) throws Exception {
        Matcher m = find(baseUrl, name);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static Matcher find(String baseUrl, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
    }
}
