package dev.switchboard.media.webrtc;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;

/**
 * The browser's side of DTLS-SRTP, for tests and the load generator: a Bouncy Castle DTLS 1.2 client offering
 * {@code use_srtp} (GCM and AES-CM, like Chromium), presenting its own certificate and checking the server's
 * against the answer's fingerprint.
 */
public final class DtlsSrtpClient extends DefaultTlsClient {
    private final DtlsCertificate certificate;
    private final DtlsFingerprint expectedServer;
    private final int[] offeredProfiles;
    private SrtpProfile profile;
    private byte[] keyingMaterial;

    public DtlsSrtpClient(DtlsCertificate certificate, DtlsFingerprint expectedServer, SecureRandom random, SrtpProfile... offered) {
        super(new BcTlsCrypto(random));
        this.certificate = certificate;
        this.expectedServer = expectedServer;
        this.offeredProfiles = new int[offered.length];
        for (int i = 0; i < offered.length; i++) {
            offeredProfiles[i] = offered[i].id();
        }
    }

    /** Runs the handshake over {@code transport}; blocks until done. */
    public DTLSTransport connect(DatagramTransport transport) throws IOException {
        return new DTLSClientProtocol().connect(this, transport);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256});
    }

    @Override
    @SuppressWarnings("unchecked")
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offeredProfiles, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }
        profile = SrtpProfile.byId(chosen.getProtectionProfiles()[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                if (!expectedServer.matches(serverCertificate.getCertificate().getCertificateAt(0).getEncoded())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                        certificate.chain(crypto), new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.exporterLength());
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** This side's protect keys (the DTLS client's). */
    public SrtpMasterKeys outboundKeys() {
        return SrtpMasterKeys.fromExporter(profile, keyingMaterial, true);
    }

    /** The server's keys, to unprotect what it sends. */
    public SrtpMasterKeys inboundKeys() {
        return SrtpMasterKeys.fromExporter(profile, keyingMaterial, false);
    }
}
