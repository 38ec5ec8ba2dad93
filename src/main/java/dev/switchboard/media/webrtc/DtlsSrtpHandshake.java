package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;

/**
 * One leg's DTLS-SRTP server side: started by the first DTLS datagram of the leg, it runs Bouncy Castle's blocking
 * {@link DTLSServerProtocol#accept} on a virtual thread over a {@link QueuedDatagramTransport}, hands the SRTP
 * master keys to the {@link Listener}, then keeps reading the DTLS connection until the browser closes it
 * (close_notify) or the leg closes it. No HelloVerifyRequest round trip: the address already passed an
 * authenticated ICE check (RFC 5764 §4.1 leaves cookies to the deployment).
 *
 * <p>Threads: {@link #onDatagram} and {@link #close} from any thread (the packet thread); the listener is called
 * on the handshake's virtual thread.
 */
public final class DtlsSrtpHandshake {
    private static final Logger log = LoggerFactory.getLogger(DtlsSrtpHandshake.class);

    /** What the handshake produced. Called once with keys or a failure, then at most once with closed. */
    public interface Listener {
        /** @param inbound the browser's (DTLS client's) keys, to unprotect; @param outbound this server's, to protect */
        void onSrtpKeys(SrtpMasterKeys inbound, SrtpMasterKeys outbound);

        /** @param fingerprintMismatch the client's certificate did not hash to the offer's fingerprint */
        void onHandshakeFailed(boolean fingerprintMismatch);

        /** The browser closed DTLS (close_notify or a fatal alert) after a successful handshake. */
        void onClosed();
    }

    private final QueuedDatagramTransport transport;
    private final DtlsSrtpServer server;
    private final Listener listener;
    private final String name;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean failed;
    private volatile DTLSTransport connection;

    /**
     * @param expectedClient the offer's {@code a=fingerprint}
     * @param name           what the thread and logs call this leg
     */
    public DtlsSrtpHandshake(DtlsCertificate certificate, DtlsFingerprint expectedClient, SrtpProfile[] acceptable,
                             int handshakeTimeoutMillis, QueuedDatagramTransport.Outbound outbound, SecureRandom random,
                             Listener listener, String name) {
        this.transport = new QueuedDatagramTransport(64, outbound);
        this.server = new DtlsSrtpServer(new BcTlsCrypto(random), certificate, expectedClient, acceptable, handshakeTimeoutMillis);
        this.listener = listener;
        this.name = name;
    }

    /** What became of a datagram handed to {@link #onDatagram}. */
    public enum Intake {
        /** Queued for the handshake's thread. */
        QUEUED,
        /** Not well-framed DTLS ({@link DtlsRecords}): dropped before Bouncy Castle could fail the connection on it. */
        MALFORMED,
        /** Dropped: the queue was full, or the handshake failed or is closed. */
        DROPPED
    }

    /**
     * A DTLS datagram for this leg (it came from an address that passed a check). The first one starts the handshake.
     */
    public Intake onDatagram(byte[] buf, int off, int len) {
        if (!DtlsRecords.wellFramed(buf, off, len, server.shortestProtected())) {
            return Intake.MALFORMED;
        }
        if (closed || failed) {
            return Intake.DROPPED;
        }
        boolean queued = transport.offer(buf, off, len);
        if (!started) {
            synchronized (this) {
                if (!started) {
                    started = true;
                    Thread.ofVirtual().name("dtls-" + name).start(this::run);
                }
            }
        }
        return queued ? Intake.QUEUED : Intake.DROPPED;
    }

    /** Ends the DTLS connection (sends close_notify if established) and stops the thread. Idempotent. */
    public void close() {
        closed = true;
        DTLSTransport c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("dtls close failed leg={}", name, e);
            }
        }
        transport.close();
    }

    private void run() {
        DTLSTransport dtls;
        try {
            dtls = new DTLSServerProtocol().accept(server, transport);
        } catch (IOException | RuntimeException e) {
            failed = true;
            if (!closed) {
                log.info("dtls handshake failed leg={} fingerprintMismatch={} reason={}", name, server.fingerprintMismatch(), describe(e));
                listener.onHandshakeFailed(server.fingerprintMismatch());
            }
            transport.close();
            return;
        }
        connection = dtls;
        SrtpProfile profile = server.profile();
        byte[] material = server.keyingMaterial();
        listener.onSrtpKeys(SrtpMasterKeys.fromExporter(profile, material, true), SrtpMasterKeys.fromExporter(profile, material, false));
        java.util.Arrays.fill(material, (byte) 0);
        if (closed) {
            close();
        }
        drain(dtls);
    }

    /** Reads (and discards) application data until close_notify or an error: WebRTC audio carries none. */
    private void drain(DTLSTransport dtls) {
        byte[] buf = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
        try {
            while (!closed && !server.connectionClosed()) {
                dtls.receive(buf, 0, buf.length, 1000);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("dtls closed leg={} reason={}", name, describe(e));
        }
        if (!closed) {
            listener.onClosed();
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof TlsFatalAlert a) {
            return "alert_sent:" + a.getAlertDescription();
        }
        if (e instanceof TlsFatalAlertReceived r) {
            return "alert_received:" + r.getAlertDescription();
        }
        return e.getClass().getSimpleName();
    }
}
