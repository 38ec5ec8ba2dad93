package dev.switchboard.notify;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The JDK HTTP clients that webhook deliveries go out on. Plain {@code http} and unpinned attempts share one client.
 * A pinned {@code https} attempt connects to the checked literal address ({@link PinnedTarget}); for it to keep SNI
 * and check the bot's certificate against the callback's <em>name</em>, it goes out on a client of that host name
 * whose {@link SSLParameters} name the host as its SNI server name with {@code HTTPS} endpoint identification: the
 * JDK client sends those names when the URI host is a literal, and its trust manager then verifies the certificate
 * against the SNI name (a certificate for another name fails the handshake). At most {@link #MAX_TLS_CLIENTS} such
 * clients live at once (each has a selector thread); the least recently used one is shut down gracefully, letting
 * its requests in flight finish.
 *
 * <p>Thread-safe: called from the notifier's delivery chains (virtual threads) (docs/concurrency.md).
 */
final class CallbackClients implements AutoCloseable {
    static final int MAX_TLS_CLIENTS = 64;

    private final SSLContext tls;
    private final Duration connectTimeout;
    private final Executor executor;
    private final HttpClient shared;
    private final Map<String, HttpClient> byHost = new LinkedHashMap<>(16, 0.75f, true);

    CallbackClients(SSLContext tls, Duration connectTimeout, Executor executor) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.executor = executor;
        this.shared = builder().sslContext(tls).build();
    }

    /** The client for one attempt: per host name for a pinned https target, else the shared one. */
    HttpClient forAttempt(PinnedTarget target, String hostName) {
        if (!target.pinned() || !"https".equalsIgnoreCase(target.connectUri().getScheme())) {
            return shared;
        }
        String host = hostName.toLowerCase(Locale.ROOT);
        synchronized (byHost) {
            HttpClient client = byHost.get(host);
            if (client == null) {
                client = tlsClientFor(host);
                byHost.put(host, client);
                if (byHost.size() > MAX_TLS_CLIENTS) {
                    var eldest = byHost.entrySet().iterator();
                    eldest.next().getValue().shutdown(); // requests in flight still complete
                    eldest.remove();
                }
            }
            return client;
        }
    }

    /** How many per-host https clients are alive (for tests and metrics). */
    int tlsClients() {
        synchronized (byHost) {
            return byHost.size();
        }
    }

    private HttpClient tlsClientFor(String host) {
        SSLParameters params = tls.getDefaultSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        return builder().sslContext(tls).sslParameters(params).build();
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor);
    }

    /** Stops every client at once; requests in flight fail (the notifier gives them up as it closes). */
    @Override
    public void close() {
        List<HttpClient> all = new ArrayList<>();
        all.add(shared);
        synchronized (byHost) {
            all.addAll(byHost.values());
            byHost.clear();
        }
        all.forEach(HttpClient::shutdownNow);
        try {
            for (HttpClient c : all) {
                c.awaitTermination(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
