package dev.switchboard.auth;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading {@code X-Forwarded-For} from its end past the trusted proxies ({@link TrustedProxies#clientOf}). */
class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "2001:db8:1::/48", "127.0.0.1"));

    @Test
    void theNearestUntrustedAddressIsTheClient() {
        assertThat(proxies.clientOf("10.0.0.1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(proxies.clientOf("10.0.0.1", List.of("198.51.100.7, 203.0.113.9, 10.9.9.9"))).isEqualTo("203.0.113.9");
        // several header lines are one list, in order
        assertThat(proxies.clientOf("10.0.0.1", List.of("198.51.100.7", "203.0.113.9", "10.9.9.9"))).isEqualTo("203.0.113.9");
        // ports, brackets and IPv6
        assertThat(proxies.clientOf("10.0.0.1", List.of("203.0.113.9:4711"))).isEqualTo("203.0.113.9");
        assertThat(proxies.clientOf("10.0.0.1", List.of("[2001:db8:2::5]:443"))).isEqualTo("2001:db8:2::5");
        assertThat(proxies.clientOf("2001:db8:1::1", List.of("2001:db8:2::5, 2001:db8:1::7"))).isEqualTo("2001:db8:2::5");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItSays() {
        assertThat(proxies.clientOf("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
        assertThat(proxies.clientOf("10.0.0.1", Collections.emptyList())).isEqualTo("10.0.0.1");
        assertThat(new TrustedProxies(List.of()).clientOf("10.0.0.1", List.of("203.0.113.9"))).isEqualTo("10.0.0.1");
    }

    @Test
    void whatCannotBeVouchedForEndsTheChainAtTheLastTrustedProxy() {
        assertThat(proxies.clientOf("10.0.0.1", List.of("203.0.113.9, unknown"))).isEqualTo("10.0.0.1");
        assertThat(proxies.clientOf("10.0.0.1", List.of("203.0.113.9, _hidden, 10.0.0.2"))).isEqualTo("10.0.0.2");
        assertThat(proxies.clientOf("10.0.0.1", List.of("abc.de"))).as("a name, never looked up").isEqualTo("10.0.0.1");
        assertThat(proxies.clientOf("10.0.0.1", List.of(""))).isEqualTo("10.0.0.1");
        // a chain of trusted proxies only: the farthest of them
        assertThat(proxies.clientOf("10.0.0.1", List.of("10.0.0.3, 10.0.0.2"))).isEqualTo("10.0.0.3");
        // at most MAX_HOPS entries are read
        String longChain = String.join(", ", Collections.nCopies(TrustedProxies.MAX_HOPS + 5, "10.0.0.2"));
        assertThat(proxies.clientOf("10.0.0.1", List.of("203.0.113.9, " + longChain))).isEqualTo("10.0.0.2");
    }

    @Test
    void entriesAreLiteralAddressesOrRanges() {
        assertThat(proxies.contains("127.0.0.1")).isTrue();
        assertThat(proxies.contains("127.0.0.2")).isFalse();
        assertThat(proxies.contains("localhost")).isFalse();
        assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.example"))).isInstanceOf(IllegalArgumentException.class);
    }
}
