package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * An established DTLS-SRTP connection (Bouncy Castle's client, as a browser, against the leg's server over queues)
 * under seeded datagrams someone spoofing the browser's address could send: copies of the browser's real datagrams
 * (its handshake flights, application data) as they were and with bytes changed, and records built here of every
 * content type, epoch and length, alerts among them. RFC 6347 §4.1.2.7: invalid records are discarded silently. So:
 * <ul>
 *   <li>each datagram is refused as malformed exactly when the test's own framing check ({@link DtlsFraming}, with
 *       AES-GCM's 24-byte minimum for protected records) says it is not DTLS 1.2, and queued otherwise;</li>
 *   <li>nothing of it ends the connection, fails the handshake, changes the SRTP keys, or makes the server send the
 *       browser an alert;</li>
 *   <li>afterwards the browser's own close_notify still ends the connection: it was alive and reading throughout.</li>
 * </ul>
 * Before {@link DtlsRecords}, a single 15-byte epoch-1 record ended the leg (a fatal {@code decode_error}).
 * {@code -Dfuzz.seed=N} replays a run; {@code -Dfuzz.records=N} sets its length.
 */
class DtlsInjectionFuzzTest {
    private static final SecureRandom SECURE = new SecureRandom();
    private static final DtlsCertificate SERVER = DtlsCertificate.generate("switchboard", Duration.ofDays(1), SECURE);
    private static final DtlsCertificate BROWSER = DtlsCertificate.generate("browser", Duration.ofDays(1), SECURE);
    private static final int GCM_SHORTEST = 8 + 16;

    /**
     * Run twice: as a WebRTC browser does, sending nothing after the handshake (so the server never learns from the
     * browser that its last flight arrived), and sending application data once (which tells it so: a state no browser
     * puts it in, but one a spoofer's replays must not break either).
     */
    @ParameterizedTest(name = "the browser sends application data: {0}")
    @ValueSource(booleans = {false, true})
    void datagramsSpoofedAsTheBrowsersNeverEndAnEstablishedConnection(boolean applicationData) throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int records = Integer.getInteger("fuzz.records", 2000);
        Random random = new Random(seed);
        AtomicInteger keys = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicReference<DtlsSrtpHandshake> server = new AtomicReference<>();
        CompletableFuture<QueuedDatagramTransport> clientSide = new CompletableFuture<>();
        List<byte[]> fromBrowser = new CopyOnWriteArrayList<>();
        List<byte[]> toBrowser = new CopyOnWriteArrayList<>();
        server.set(new DtlsSrtpHandshake(SERVER, BROWSER.fingerprint(), new SrtpProfile[] {SrtpProfile.AEAD_AES_128_GCM},
                5000, (b, o, l) -> {
                    toBrowser.add(Arrays.copyOfRange(b, o, o + l));
                    clientSide.getNow(null).offer(b, o, l);
                }, SECURE, new DtlsSrtpHandshake.Listener() {
                    @Override
                    public void onSrtpKeys(SrtpMasterKeys inbound, SrtpMasterKeys outbound) {
                        keys.incrementAndGet();
                    }

                    @Override
                    public void onHandshakeFailed(boolean fingerprintMismatch) {
                        failed.incrementAndGet();
                    }

                    @Override
                    public void onClosed() {
                        closed.incrementAndGet();
                    }
                }, "fuzz"));
        QueuedDatagramTransport toServer = new QueuedDatagramTransport(64, (b, o, l) -> {
            fromBrowser.add(Arrays.copyOfRange(b, o, o + l));
            DtlsSrtpHandshake.Intake intake;
            long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((intake = server.get().onDatagram(b, o, l)) == DtlsSrtpHandshake.Intake.DROPPED && System.nanoTime() < giveUp) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // junk still queued ahead of it
            }
            assertThat(intake).as("the browser's own datagram").isEqualTo(DtlsSrtpHandshake.Intake.QUEUED);
        });
        clientSide.complete(toServer);
        DtlsSrtpClient client = new DtlsSrtpClient(BROWSER, SERVER.fingerprint(), SECURE, SrtpProfile.AEAD_AES_128_GCM);
        DTLSTransport dtls = client.connect(toServer);
        await().atMost(Duration.ofSeconds(20)).until(() -> keys.get() == 1);
        if (applicationData) {
            byte[] hello = "application data WebRTC audio never sends".getBytes();
            dtls.send(hello, 0, hello.length);
        }
        assertThat(fromBrowser).as("the browser's handshake flights (and its application data)").hasSizeGreaterThanOrEqualTo(2);
        toBrowser.clear();

        int malformed = 0;
        for (int i = 0; i < records; i++) {
            byte[] d = datagram(random, fromBrowser);
            String context = "seed " + seed + ", datagram " + i + " " + HexFormat.of().formatHex(d, 0, Math.min(d.length, 40));
            DtlsSrtpHandshake.Intake intake;
            while ((intake = server.get().onDatagram(d, 0, d.length)) == DtlsSrtpHandshake.Intake.DROPPED && closed.get() == 0) {
                Thread.sleep(1); // the queue is full: let the connection's thread read
            }
            boolean framed = DtlsFraming.wellFramed(d, GCM_SHORTEST);
            if (closed.get() == 0) {
                assertThat(intake).as(context).isEqualTo(framed ? DtlsSrtpHandshake.Intake.QUEUED : DtlsSrtpHandshake.Intake.MALFORMED);
            }
            malformed += framed ? 0 : 1;
            if (i % 16 == 0) {
                Thread.sleep(1);
            }
            if (closed.get() != 0 || failed.get() != 0) {
                fail("%s (or one of the 16 before it) ended the connection", context);
            }
        }
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(closed.get()).as("seed %d: the connection is open", seed).isZero();
        assertThat(failed.get()).isZero();
        assertThat(keys.get()).as("the SRTP keys were given once").isEqualTo(1);
        assertThat(malformed).as("seed %d: the run sent both kinds", seed).isBetween(1, records - 1);
        for (byte[] sent : toBrowser) {
            assertThat(DtlsFraming.carriesAlert(sent)).as("seed %d: the server sent the browser an alert: %s", seed,
                    HexFormat.of().formatHex(sent)).isFalse();
        }

        dtls.close(); // the browser's close_notify: the connection was alive and reading all along
        await().atMost(Duration.ofSeconds(20)).until(() -> closed.get() == 1);
        server.get().close();
    }

    /** A datagram as a spoofer would send it: the browser's, replayed or changed, or records made up. */
    private static byte[] datagram(Random random, List<byte[]> real) {
        return switch (random.nextInt(5)) {
            case 0 -> real.get(random.nextInt(real.size())).clone();
            case 1 -> {
                byte[] d = real.get(random.nextInt(real.size())).clone();
                for (int f = random.nextInt(1, 5); f > 0; f--) {
                    d[random.nextInt(d.length)] ^= (byte) random.nextInt(1, 256);
                }
                yield d;
            }
            case 2 -> Arrays.copyOf(real.get(random.nextInt(real.size())), random.nextInt(1, 40)); // cut short
            default -> {
                List<byte[]> parts = new ArrayList<>();
                for (int r = random.nextInt(1, 4); r > 0; r--) {
                    parts.add(record(random));
                }
                yield concat(parts);
            }
        };
    }

    /** One made-up record: any content type near DTLS's, epoch 0–2, a length that is right or not, alerts now and then. */
    private static byte[] record(Random random) {
        boolean alert = random.nextInt(4) == 0;
        int length = alert && random.nextBoolean() ? 2 : random.nextInt(0, 48);
        byte[] r = new byte[13 + length];
        random.nextBytes(r);
        r[0] = (byte) (alert ? 21 : random.nextInt(19, 27));
        r[1] = (byte) (random.nextInt(10) == 0 ? 0x03 : 0xFE);
        r[2] = (byte) (random.nextBoolean() ? 0xFD : 0xFF);
        r[3] = 0;
        r[4] = (byte) random.nextInt(3);
        int claimed = random.nextInt(10) == 0 ? length + random.nextInt(1, 9) : length;
        r[11] = (byte) (claimed >> 8);
        r[12] = (byte) claimed;
        if (alert && length == 2) {
            r[13] = (byte) random.nextInt(1, 3); // warning or fatal
            r[14] = (byte) List.of(0, 10, 20, 40, 42, 46, 50, 80, 90).get(random.nextInt(9)).intValue();
        }
        return r;
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
