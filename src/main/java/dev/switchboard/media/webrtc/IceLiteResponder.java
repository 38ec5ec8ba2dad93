package dev.switchboard.media.webrtc;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.zip.CRC32;

/**
 * One leg's ICE-lite agent (RFC 8445 §2.5, always controlled): answers the browser's binding requests that carry
 * this leg's USERNAME ({@code localUfrag:remoteUfrag}), a valid MESSAGE-INTEGRITY under the local password and a
 * valid FINGERPRINT; everything else gets no answer at all. Every address whose check passed becomes a candidate
 * pair; media goes only to the pair the browser nominated (USE-CANDIDATE), or before that to the pair checked
 * last, and only while consent is fresh ({@link ConsentPolicy}). At most {@value #MAX_PAIRS} pairs are kept: a check
 * from a new address when there are that many forgets the pair checked longest ago, never the selected one (a browser
 * with many candidates, checking them all, must not unseat the pair its media flows on).
 *
 * <p>Threads: {@link #onBindingRequest} and {@link #isValidated} run on the WebRTC port's packet thread only;
 * {@link #sendAddress}, {@link #isNominated} and {@link #isExpired} may be called from any thread (the selected
 * pair and its last check time are published through volatile fields). Allocates only for a new candidate pair (at most
 * {@value #MAX_PAIRS}).
 */
public final class IceLiteResponder {
    /** Verdict: USERNAME not this leg's, or MESSAGE-INTEGRITY missing or wrong ({@code stun_unauthenticated}). */
    public static final int UNAUTHENTICATED = -1;
    /** Verdict: not a well-formed binding request with a FINGERPRINT ({@code stun_malformed}). */
    public static final int MALFORMED = -2;
    /** Verdict: a binding indication (a keepalive): nothing to answer, nothing wrong. */
    public static final int IGNORED = -3;

    static final int MAX_PAIRS = 8;

    private final String localUfrag;
    private final byte[] expectedUsername;
    private final byte[] usernamePrefix;
    private final Mac mac;
    private final CRC32 crc = new CRC32();
    private final StunMessage message = new StunMessage();
    private final StunWriter writer = new StunWriter();
    private final byte[] scratch = new byte[20];
    private final ConsentPolicy policy;
    private final long createdNanos;
    private final Pair[] pairs = new Pair[MAX_PAIRS];
    private int pairCount;
    private volatile Pair selected;
    /** The address the last passed check made room by forgetting, until {@link #takeForgotten} (packet thread). */
    private InetSocketAddress forgotten;

    /**
     * @param remoteUfrag the offer's {@code a=ice-ufrag}, or null to accept any sender ufrag
     * @param createdNanos when the leg was created ({@link System#nanoTime()} scale), for the connect timeout
     */
    public IceLiteResponder(String localUfrag, String localPassword, String remoteUfrag, ConsentPolicy policy, long createdNanos) {
        this.localUfrag = localUfrag;
        this.usernamePrefix = (localUfrag + ":").getBytes(StandardCharsets.UTF_8);
        this.expectedUsername = remoteUfrag == null ? null : (localUfrag + ":" + remoteUfrag).getBytes(StandardCharsets.UTF_8);
        this.policy = policy;
        this.createdNanos = createdNanos;
        try {
            mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(localPassword.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 not available", e);
        }
    }

    public String localUfrag() {
        return localUfrag;
    }

    /**
     * Handles one STUN datagram {@code buf[0..length)} from {@code from} at {@code now}.
     *
     * @param out a buffer of at least 548 bytes for the response
     * @return the length of the success response written to {@code out} (send it to {@code from}), or a negative
     *         verdict: UNAUTHENTICATED, MALFORMED or IGNORED
     */
    public int onBindingRequest(byte[] buf, int length, InetSocketAddress from, long now, byte[] out) {
        if (!message.parse(buf, length)) {
            return MALFORMED;
        }
        if (message.type() == StunMessage.BINDING_INDICATION) {
            return IGNORED;
        }
        if (message.type() != StunMessage.BINDING_REQUEST || !message.verifyFingerprint(crc)) {
            return MALFORMED;
        }
        boolean userOk = expectedUsername != null ? message.usernameEquals(expectedUsername) : message.usernameStartsWith(usernamePrefix);
        if (!userOk || !message.verifyIntegrity(mac, scratch)) {
            return UNAUTHENTICATED;
        }
        passed(from, now, message.useCandidate());
        return writer.start(out, StunMessage.BINDING_SUCCESS, buf, 8)
                .xorMappedAddress(from)
                .integrity(mac)
                .finishWithFingerprint();
    }

    private void passed(InetSocketAddress from, long now, boolean nominated) {
        Pair pair = null;
        for (int i = 0; i < pairCount; i++) {
            if (pairs[i].remote.equals(from)) {
                pair = pairs[i];
                break;
            }
        }
        if (pair == null) {
            if (pairCount == MAX_PAIRS) {
                forget(stalest());
            }
            pair = new Pair(from);
            pairs[pairCount++] = pair;
        }
        pair.lastCheckNanos = now;
        if (nominated) {
            pair.nominated = true;
        }
        Pair current = selected;
        if (current == null || pair.nominated || !current.nominated) {
            selected = pair;
        }
    }

    /** The pair checked longest ago that is not the selected one. */
    private int stalest() {
        Pair keep = selected;
        int stalest = -1;
        for (int i = 0; i < pairCount; i++) {
            if (pairs[i] != keep && (stalest < 0 || pairs[i].lastCheckNanos - pairs[stalest].lastCheckNanos < 0)) {
                stalest = i;
            }
        }
        return stalest;
    }

    private void forget(int i) {
        forgotten = pairs[i].remote;
        System.arraycopy(pairs, i + 1, pairs, i, pairCount - i - 1);
        pairs[--pairCount] = null;
    }

    /**
     * The address whose pair the last passed check forgot to make room (its DTLS and SRTP must no longer be routed
     * here), once; null if none. Packet thread, right after {@link #onBindingRequest}.
     */
    public InetSocketAddress takeForgotten() {
        InetSocketAddress f = forgotten;
        forgotten = null;
        return f;
    }

    /**
     * Where media may go at {@code now}: the selected pair's address while its consent is fresh, else null.
     * Never an address that has not passed a check.
     */
    public InetSocketAddress sendAddress(long now) {
        Pair p = selected;
        return p != null && now - p.lastCheckNanos <= policy.consentLapse().toNanos() ? p.remote : null;
    }

    /** True if {@code address} passed a check (it may carry DTLS and SRTP for this leg). */
    public boolean isValidated(InetSocketAddress address) {
        Pair[] snapshot = pairs;
        for (Pair p : snapshot) {
            if (p != null && p.remote.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** True once the browser nominated a pair. */
    public boolean isNominated() {
        Pair p = selected;
        return p != null && p.nominated;
    }

    /**
     * True when the leg should end: no valid check within the connect timeout of its creation, or none for
     * {@link ConsentPolicy#endAfter()} since the last one.
     */
    public boolean isExpired(long now) {
        Pair p = selected;
        if (p == null) {
            return now - createdNanos > policy.connectTimeout().toNanos();
        }
        return now - p.lastCheckNanos > policy.endAfter().toNanos();
    }

    private static final class Pair {
        final InetSocketAddress remote;
        volatile long lastCheckNanos;
        volatile boolean nominated;

        Pair(InetSocketAddress remote) {
            this.remote = remote;
        }
    }
}
