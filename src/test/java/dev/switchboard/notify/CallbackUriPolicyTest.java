package dev.switchboard.notify;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbackUriPolicyTest {
    /** A DNS that knows a few names and nothing else; never touches the network. */
    private static final Map<String, String> DNS = Map.of(
            "bot.contoso.com", "20.50.2.1",
            "intranet.contoso.com", "10.20.30.40",
            "rebind.example", "169.254.169.254",
            "dual.example", "20.50.2.2,192.168.1.5",
            "v6metadata.example", "fd00:ec2::254",
            "lab.contoso.com", "10.1.2.3");
    private static final HostResolver FAKE_DNS = host -> {
        String v = DNS.get(host.toLowerCase());
        if (v == null) {
            throw new UnknownHostException(host);
        }
        String[] parts = v.split(",");
        InetAddress[] out = new InetAddress[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = InetAddress.getByName(parts[i]);
        }
        return out;
    };

    private static CallbackUriPolicy policy(Set<String> allowed) {
        return new CallbackUriPolicy(NotifierSettings.defaults().withAllowedHosts(allowed), FAKE_DNS);
    }

    private static final CallbackUriPolicy EMBEDDED = new CallbackUriPolicy(NotifierSettings.defaults(), FAKE_DNS);
    private static final CallbackUriPolicy STRICT = policy(Set.of());

    /** What the API does at call creation (the notifier itself never throws). */
    private static void check(CallbackUriPolicy p, URI uri) {
        new dev.switchboard.api.CallbackCheck(p).require(uri);
    }

    private static void refused(CallbackUriPolicy p, String uri, String messagePart) {
        assertThatThrownBy(() -> check(p, URI.create(uri)))
                .isInstanceOf(SwitchboardException.class)
                .satisfies(e -> assertThat(((SwitchboardException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining(messagePart);
    }

    @Test
    void httpsToAPublicHostIsAccepted() {
        assertThatCode(() -> check(STRICT, URI.create("https://bot.contoso.com/api/calls"))).doesNotThrowAnyException();
        assertThatCode(() -> check(STRICT, URI.create("https://20.50.2.1:8443/cb"))).doesNotThrowAnyException();
    }

    @Test
    void plainHttpIsRefusedForOrdinaryHosts() {
        refused(STRICT, "http://bot.contoso.com/api/calls", "must use https");
        refused(EMBEDDED, "http://bot.contoso.com/api/calls", "must use https");
    }

    @Test
    void loopbackOverHttpIsAllowedByTheEmbeddedDefaultOnly() {
        for (String uri : new String[] {"http://localhost:9000/cb", "http://127.0.0.1:9000/cb", "http://[::1]:9000/cb",
                "http://127.0.0.2/cb", "https://localhost/cb"}) {
            assertThatCode(() -> check(EMBEDDED, URI.create(uri))).as(uri).doesNotThrowAnyException();
        }
        refused(STRICT, "https://127.0.0.1/cb", "loopback");
        refused(STRICT, "https://[::1]/cb", "loopback");
        refused(STRICT, "http://127.0.0.1/cb", "must use https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://10.0.0.1/cb", "https://172.16.5.4/cb", "https://172.31.255.1/cb", "https://192.168.0.10/cb",
            "https://[fd12:3456::1]/cb", "https://[fc00::1]/cb", "https://[fec0::1]/cb", "https://intranet.contoso.com/cb"})
    void privateAddressesAreRefused(String uri) {
        refused(STRICT, uri, "private");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/", "https://100.100.100.200/",
            "https://192.0.0.192/", "https://rebind.example/", "https://v6metadata.example/"})
    void cloudMetadataAddressesAreRefused(String uri) {
        refused(STRICT, uri, "metadata");
        refused(EMBEDDED, uri, "metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://169.254.10.1/", "https://[fe80::1]/"})
    void linkLocalAddressesAreRefused(String uri) {
        refused(STRICT, uri, "link-local");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://0.0.0.0/", "https://[::]/", "https://100.64.0.1/", "https://224.0.0.1/", "https://[ff02::1]/",
            "https://240.0.0.1/", "https://255.255.255.255/", "https://198.18.0.1/"})
    void otherNonPublicAddressesAreRefused(String uri) {
        refused(STRICT, uri, "address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://[::ffff:10.0.0.1]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:a00:1::1]/", "https://[::127.0.0.1]/",
            "https://[::ffff:0:127.0.0.1]/", "https://[::ffff:0:a9fe:a9fe]/", "https://[64:ff9b:1::a9fe:a9fe]/", "https://[64:ff9b:1:2::7f00:1]/"})
    void ipv6FormsEmbeddingAForbiddenIpv4AreRefused(String uri) {
        refused(STRICT, uri, "address");
    }

    @Test
    void aNameWithOnePrivateAddressAmongPublicOnesIsRefused() {
        refused(STRICT, "https://dual.example/cb", "192.168.1.5");
    }

    @Test
    void configuredHostsAndRangesAreAllowedOverHttpAndPrivateAddresses() {
        CallbackUriPolicy lab = policy(Set.of("lab.contoso.com", "10.20.0.0/16"));
        assertThatCode(() -> check(lab, URI.create("http://lab.contoso.com:8080/cb"))).doesNotThrowAnyException();
        assertThatCode(() -> check(lab, URI.create("http://intranet.contoso.com/cb"))).doesNotThrowAnyException(); // 10.20.30.40
        assertThatCode(() -> check(lab, URI.create("https://10.20.1.1/cb"))).doesNotThrowAnyException();
        refused(lab, "https://10.21.0.1/cb", "private");
        refused(lab, "https://169.254.169.254/", "metadata");
    }

    @Test
    void malformedOrUnsupportedUrisAreRefusedClearly() {
        refused(STRICT, "ftp://bot.contoso.com/cb", "absolute https URL");
        refused(STRICT, "/api/calls", "absolute https URL");
        refused(STRICT, "mailto:bot@contoso.com", "absolute https URL");
        refused(STRICT, "https://user:secret@bot.contoso.com/cb", "credentials");
        refused(STRICT, "https:///cb", "host");
        assertThatThrownBy(() -> check(STRICT, null)).isInstanceOf(SwitchboardException.class).hasMessageContaining("required");
    }

    @Test
    void anUnresolvableHostIsABadRequestAtCreationButTransientAtSendTime() {
        refused(STRICT, "https://nowhere.invalid/cb", "does not resolve");
        assertThat(STRICT.evaluate(URI.create("https://nowhere.invalid/cb")).kind())
                .isEqualTo(CallbackUriPolicy.Verdict.Kind.UNRESOLVED);
    }

    @Test
    void malformedAllowedHostEntriesFailFast() {
        assertThatThrownBy(() -> NotifierSettings.defaults().withAllowedHosts(Set.of("10.0.0.0/40")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotifierSettings.defaults().withAllowedHosts(Set.of("bad host")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotifierSettings.defaults().withAllowedHosts(Set.of("")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
