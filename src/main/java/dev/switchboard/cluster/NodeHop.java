package dev.switchboard.cluster;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The node-to-node hop: a request for a call owned elsewhere is sent, as it came (method, path, query, headers,
 * body; the client's own {@code Authorization} included), to the owner's URL, and the owner's answer is returned
 * unchanged. The hop is marked with {@value #HEADER}, {@code <unix seconds>.<HMAC-SHA256>} under the cluster's
 * shared secret over the time, method, path and the client address it carries: the owner then runs it itself and never
 * hops again, and may trust that client address. A mark more than {@link #MAX_AGE} from the owner's clock is refused,
 * so an observed mark cannot be replayed later, nor with another client address.
 * Thread-safe (one HTTP/1.1 client with its connection pool).
 */
public final class NodeHop {
    public static final String HEADER = "X-Switchboard-Hop";
    /** The original client's address, trusted only on a hop whose HMAC verifies. */
    public static final String CLIENT_HEADER = "X-Switchboard-Client-Address";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How far a hop's time may be from the receiving node's clock (transit, and clocks apart). */
    static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** Bodies larger than this are sent only once the owner asks for them ({@code Expect: 100-continue}). */
    static final int EXPECT_CONTINUE_OVER = 64 * 1024;
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "http2-settings", HEADER.toLowerCase(Locale.ROOT),
            CLIENT_HEADER.toLowerCase(Locale.ROOT));
    private static final Set<String> NOT_RETURNED = Set.of("connection", "content-length", "transfer-encoding",
            "keep-alive", "date", "server", ":status");

    /** A request as it came in. */
    public record Request(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body,
                          String clientAddress) {
    }

    /** The owner's answer. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final byte[] secret;
    private final java.time.Clock clock;

    public NodeHop(byte[] secret) {
        this(secret, java.time.Clock.systemUTC());
    }

    NodeHop(byte[] secret, java.time.Clock clock) {
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** The cluster's node-to-node secret: created once (SET NX) by the first node, read by every other. */
    public static byte[] sharedSecret(Redis redis) {
        String fresh = HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32));
        redis.call(j -> j.setnx(Keys.SECRET, fresh));
        return HexFormat.of().parseHex(redis.call(j -> j.get(Keys.SECRET)));
    }

    /** Writes this node's secret as the cluster's if Redis has none (it came back empty). */
    public void reseed(Redis redis) {
        String mine = HexFormat.of().formatHex(secret);
        redis.call(j -> j.setnx(Keys.SECRET, mine));
    }

    /** Sends {@code request} to the node at {@code ownerUrl} and returns its answer. */
    public Response forward(String ownerUrl, Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ownerUrl + request.pathAndQuery())).timeout(TIMEOUT)
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String v : values) {
                    try {
                        b.header(name, v);
                    } catch (IllegalArgumentException restricted) {
                        // a header the JDK client will not send (e.g. Host when not allowed): the owner derives its own
                    }
                }
            }
        });
        if (request.body().length > EXPECT_CONTINUE_OVER) {
            // the owner may answer before it reads the body (a 404, a 415, a 413 past its limit) and then closes the
            // connection on the rest: sent meanwhile, the body met a reset that hid the answer (a 503 here). Asked
            // first, the owner's "100 Continue" comes only once its handler reads the body, and an early answer
            // arrives with no body sent
            b.expectContinue(true);
        }
        b.header(HEADER, mark(request.method(), pathOnly(request.pathAndQuery()), request.clientAddress()));
        if (request.clientAddress() != null) {
            b.header(CLIENT_HEADER, request.clientAddress());
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> {
                if (!NOT_RETURNED.contains(k.toLowerCase(Locale.ROOT))) {
                    headers.put(k, v);
                }
            });
            return new Response(r.statusCode(), headers, r.body());
        } catch (IOException e) {
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The node that holds this call did not answer; retry shortly.", Redis.RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "Interrupted.", Redis.RETRY_AFTER);
        }
    }

    /** The hop mark of a request sent now: {@code <unix seconds>.<HMAC>}. */
    String mark(String method, String path, String clientAddress) {
        long now = clock.instant().getEpochSecond();
        return now + "." + sign(now, method, path, clientAddress);
    }

    /**
     * Whether {@code hopHeader} is a valid hop mark for this request, made within {@link #MAX_AGE} of now for this
     * method, path and client address (the {@value #CLIENT_HEADER} it came with, or null): then it runs here and never
     * hops again.
     */
    public boolean verify(String hopHeader, String method, String path, String clientAddress) {
        if (hopHeader == null) {
            return false;
        }
        int dot = hopHeader.indexOf('.');
        long at;
        try {
            at = Long.parseLong(hopHeader.substring(0, Math.max(dot, 0)));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - at) > MAX_AGE.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(hopHeader.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
                sign(at, method, path, clientAddress).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(long at, String method, String path, String clientAddress) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String signed = at + " " + method.toUpperCase(Locale.ROOT) + " " + path + " "
                    + (clientAddress == null ? "" : clientAddress);
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing", e);
        }
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
