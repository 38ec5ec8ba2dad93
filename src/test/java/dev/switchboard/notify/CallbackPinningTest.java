package dev.switchboard.notify;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static dev.switchboard.notify.Notifications.fast;
import static dev.switchboard.notify.Notifications.roster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The callback connection goes to the address the SSRF check passed: the name is looked up once per attempt (by
 * the check), never again by the HTTP client. {@code callback.test} exists in no DNS; only the test's resolver
 * knows it, so a delivery that arrives can only have used the checked address.
 */
class CallbackPinningTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RsaCallbackSigner signer = new RsaCallbackSigner();
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> dns = new AtomicReference<>("127.0.0.1");
    private final HostResolver counting = host -> {
        lookups.add(host);
        return new InetAddress[] {InetAddress.getByName(dns.get())};
    };
    private BotReceiver bot;
    private BotReceiver elsewhere;
    private WebhookNotifier notifier;

    @BeforeEach
    void start() throws Exception {
        bot = new BotReceiver();
        elsewhere = new BotReceiver();
    }

    @AfterEach
    void stop() throws Exception {
        if (notifier != null) {
            notifier.close();
        }
        bot.close();
        elsewhere.close();
    }

    private URI callbackTest(String path) {
        return URI.create("http://callback.test:" + bot.uri("/").getPort() + path);
    }

    private WebhookNotifier notifier(NotifierSettings settings) {
        notifier = new WebhookNotifier(settings, signer, meters, new CallbackUriPolicy(settings, counting));
        return notifier;
    }

    @Test
    void theJvmLetsTheNotifierSendAHostHeader() {
        assertThat(PinnedTarget.hostHeaderAllowed()).as("surefire and the server set %s=host",
                PinnedTarget.RESTRICTED_HEADERS_PROPERTY).isTrue();
    }

    @Test
    void eachDeliveryLooksTheNameUpOnceAndConnectsToThatAddressWithTheNameAsHost() {
        URI uri = callbackTest("/api/calls?tenant=a");
        notifier(fast().withAllowedHosts(Set.of("callback.test")).withMaxBatchSize(1)).enqueue(roster("call-1", uri, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 1);
        assertThat(lookups).containsExactly("callback.test");
        BotReceiver.Received got = bot.accepted().getFirst();
        assertThat(got.host()).isEqualTo("callback.test:" + uri.getPort());
        assertThat(got.path()).isEqualTo("/api/calls?tenant=a");

        notifier.enqueue(roster("call-1", uri, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 2);
        assertThat(lookups).as("one lookup per delivery").hasSize(2);
    }

    @Test
    void whenDnsChangesAfterTheCheckTheConnectionStillGoesToTheCheckedAddress() throws Exception {
        // the check sees 127.0.0.1 (the bot); every later answer is 127.0.0.2, where another server listens on the
        // same port: a second lookup by the HTTP client would reach it
        int port = bot.uri("/").getPort();
        try (var rebound = new java.net.ServerSocket(port, 50, InetAddress.getByName("127.0.0.2"))) {
            rebound.setSoTimeout(1);
            HostResolver flipping = host -> {
                lookups.add(host);
                return new InetAddress[] {InetAddress.getByName(lookups.size() == 1 ? "127.0.0.1" : "127.0.0.2")};
            };
            NotifierSettings settings = fast().withAllowedHosts(Set.of("callback.test"));
            notifier = new WebhookNotifier(settings, signer, meters, new CallbackUriPolicy(settings, flipping));
            notifier.enqueue(roster("call-1", callbackTest("/api/calls"), 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.accepted().size() == 1);
            assertThat(lookups).containsExactly("callback.test");
        }
    }

    @Test
    void anAddressTheCheckRefusesIsNeverConnectedTo() {
        dns.set("169.254.169.254");
        NotifierSettings settings = fast().withAllowedHosts(Set.of());
        notifier(settings).enqueue(roster("call-1", URI.create("https://callback.test/api/calls"), 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> Notifications.giveUps(meters, "ssrf_refused") == 1);
        assertThat(lookups).containsExactly("callback.test");
    }

    @Test
    void anHttpsCallbackConnectsToTheCheckedAddressWithSniAndTheCertificateCheckedAgainstTheName(@TempDir Path dir) throws Exception {
        SSLContext tls = TestCertificates.selfSigned(dir, "callback.test");
        try (BotReceiver secure = new BotReceiver(tls.getSocketFactory())) {
            NotifierSettings settings = fast().withAllowedHosts(Set.of("callback.test")).withMaxBatchSize(1);
            notifier = new WebhookNotifier(settings, signer, meters, new CallbackUriPolicy(settings, counting), tls);
            int port = secure.uri("/").getPort();
            // callback.test is in no DNS: a delivery that arrives went to the checked address; the TLS handshake
            // succeeds only if SNI/identity used the name (the certificate does not name 127.0.0.1)
            notifier.enqueue(roster("call-1", URI.create("https://callback.test:" + port + "/api/calls"), 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> secure.accepted().size() == 1);
            assertThat(lookups).containsExactly("callback.test");
            assertThat(secure.accepted().getFirst().host()).isEqualTo("callback.test:" + port);
        }
    }

    @Test
    void anHttpsCallbackWhoseCertificateNamesAnotherHostIsNeverDelivered(@TempDir Path dir) throws Exception {
        SSLContext tls = TestCertificates.selfSigned(dir, "other.test");
        try (BotReceiver impostor = new BotReceiver(tls.getSocketFactory())) {
            NotifierSettings settings = fast().withAllowedHosts(Set.of("callback.test"));
            notifier = new WebhookNotifier(settings, signer, meters, new CallbackUriPolicy(settings, counting), tls);
            notifier.enqueue(roster("call-1", URI.create("https://callback.test:" + impostor.uri("/").getPort() + "/cb"), 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> Notifications.retries(meters, "network") >= 1);
            assertThat(impostor.all()).as("the handshake fails before any request is sent").isEmpty();
        }
    }

    @Test
    void httpAndHttpsTargetsAreRewrittenToTheCheckedLiteral() throws Exception {
        PinnedTarget v4 = PinnedTarget.of(URI.create("http://bot.example:8080/cb/x%20y?a=1&b=%26"),
                InetAddress.getByName("203.0.113.9"));
        assertThat(v4.connectUri()).hasToString("http://203.0.113.9:8080/cb/x%20y?a=1&b=%26");
        assertThat(v4.hostHeader()).isEqualTo("bot.example:8080");
        PinnedTarget v6 = PinnedTarget.of(URI.create("http://bot.example/cb"), InetAddress.getByName("2001:db8::1"));
        assertThat(v6.connectUri()).hasToString("http://[2001:db8:0:0:0:0:0:1]/cb");
        assertThat(v6.hostHeader()).isEqualTo("bot.example");
        PinnedTarget https = PinnedTarget.of(URI.create("https://bot.example/cb"), InetAddress.getByName("203.0.113.9"));
        assertThat(https.connectUri()).hasToString("https://203.0.113.9/cb");
        assertThat(https.hostHeader()).isEqualTo("bot.example");
        URI literal = URI.create("http://127.0.0.1:9/cb");
        assertThat(PinnedTarget.of(literal, InetAddress.getByName("127.0.0.1"))).isEqualTo(PinnedTarget.unpinned(literal));
    }
}
