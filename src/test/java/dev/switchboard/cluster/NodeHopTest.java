package dev.switchboard.cluster;

import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hop mark (docs/cluster.md): it verifies for the method, path and client address it was made for, within a
 * minute of the receiving node's clock, under the cluster's secret, and for nothing else.
 */
class NodeHopTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String PATH = "/client/v1/calls/c-1/participants";

    @Test
    void aMarkVerifiesOnlyForWhatItWasMadeFor() {
        MutableClock clock = new MutableClock();
        NodeHop hop = new NodeHop(SECRET, clock);
        String mark = hop.mark("POST", PATH, "198.51.100.7");
        assertThat(hop.verify(mark, "POST", PATH, "198.51.100.7")).isTrue();
        assertThat(hop.verify(mark, "post", PATH, "198.51.100.7")).as("the method's case does not matter").isTrue();
        assertThat(hop.verify(mark, "POST", PATH, "127.0.0.1")).as("another client address").isFalse();
        assertThat(hop.verify(mark, "POST", PATH, null)).as("the client address dropped").isFalse();
        assertThat(hop.verify(mark, "GET", PATH, "198.51.100.7")).as("another method").isFalse();
        assertThat(hop.verify(mark, "POST", PATH + "x", "198.51.100.7")).as("another path").isFalse();
        assertThat(new NodeHop("another secret of the same length!!".getBytes(StandardCharsets.US_ASCII), clock)
                .verify(mark, "POST", PATH, "198.51.100.7")).as("another cluster's secret").isFalse();
        String none = hop.mark("GET", PATH, null);
        assertThat(hop.verify(none, "GET", PATH, null)).isTrue();
        assertThat(hop.verify(none, "GET", PATH, "198.51.100.7")).as("a client address added").isFalse();
    }

    @Test
    void aMarkIsRefusedOnceItIsMoreThanAMinuteFromTheClock() {
        MutableClock clock = new MutableClock();
        NodeHop hop = new NodeHop(SECRET, clock);
        String mark = hop.mark("POST", PATH, null);
        clock.advance(Duration.ofSeconds(60));
        assertThat(hop.verify(mark, "POST", PATH, null)).as("60 s later").isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(hop.verify(mark, "POST", PATH, null)).as("62 s later: a replay").isFalse();

        MutableClock behind = new MutableClock(clock.instant().minusSeconds(120));
        assertThat(new NodeHop(SECRET, behind).verify(hop.mark("POST", PATH, null), "POST", PATH, null))
                .as("made two minutes ahead of the receiving node's clock").isFalse();
    }

    @Test
    void aMalformedMarkIsRefused() {
        NodeHop hop = new NodeHop(SECRET, new MutableClock());
        String mark = hop.mark("POST", PATH, null);
        String hmac = mark.substring(mark.indexOf('.') + 1);
        for (String bad : new String[] {"", ".", hmac, "x." + hmac, "." + hmac, mark + "0", mark.substring(0, mark.length() - 1)}) {
            assertThat(hop.verify(bad, "POST", PATH, null)).as("'%s'", bad).isFalse();
        }
        assertThat(hop.verify(null, "POST", PATH, null)).isFalse();
    }
}
