package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;

/**
 * Bouncy Castle's DTLS 1.2 server configured for DTLS-SRTP (RFC 5764): ECDHE-ECDSA AEAD suites, a certificate
 * request whose answer must hash to the offer's {@code a=fingerprint}, the {@code use_srtp} extension (GCM chosen
 * when offered, else AES-CM), and the exporter's keying material once the handshake completes. One instance per
 * handshake; called only from the handshake's thread.
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    private final DtlsCertificate certificate;
    private final DtlsFingerprint expectedClient;
    private final SrtpProfile[] acceptable;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;
    private byte[] keyingMaterial;
    private boolean fingerprintMismatch;
    private volatile boolean connectionClosed;
    private volatile int shortestProtected = DtlsRecords.SHORTEST_PROTECTED;

    /** @param acceptable the SRTP profiles to accept, most preferred first */
    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedClient,
                   SrtpProfile[] acceptable, int handshakeTimeoutMillis) {
        super(crypto);
        this.certificate = certificate;
        this.expectedClient = expectedClient;
        this.acceptable = acceptable.clone();
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    public int getSelectedCipherSuite() throws IOException {
        int suite = super.getSelectedCipherSuite();
        if (suite != CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256) {
            shortestProtected = DtlsRecords.SHORTEST_PROTECTED_GCM;
        }
        return suite;
    }

    /** The fewest bytes a record of epoch 1 or later can have under the chosen suite (before the choice: any suite's). */
    int shortestProtected() {
        return shortestProtected;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                certificate.chain(crypto), new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
        for (short hash : new short[] {HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512, HashAlgorithm.sha1}) {
            algorithms.add(new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.ecdsa));
            algorithms.add(new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.rsa));
        }
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign}, algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client sent no certificate");
        }
        if (!expectedClient.matches(clientCertificate.getCertificateAt(0).getEncoded())) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the client certificate does not match the offer's fingerprint");
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client did not offer use_srtp");
        }
        for (SrtpProfile candidate : acceptable) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == candidate.id()) {
                    profile = candidate;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {profile.id()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.exporterLength());
    }

    @Override
    public void notifyConnectionClosed() {
        super.notifyConnectionClosed();
        connectionClosed = true;
    }

    /** True once the DTLS connection closed (close_notify or a fatal alert, either way). */
    boolean connectionClosed() {
        return connectionClosed;
    }

    /** The negotiated profile, once the ClientHello was processed. */
    SrtpProfile profile() {
        return profile;
    }

    /** The exporter output (RFC 5764 §4.2), once the handshake completed; else null. */
    byte[] keyingMaterial() {
        return keyingMaterial;
    }

    boolean fingerprintMismatch() {
        return fingerprintMismatch;
    }
}
