package dev.switchboard.server;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;

/**
 * The https listener beside Javalin's http one: TLS 1.2 and 1.3 only, AEAD cipher suites with forward secrecy only,
 * HTTP/2 negotiated by ALPN with HTTP/1.1 as the fallback. Built once while the server is assembled.
 */
final class TlsConnector {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** TLS 1.3's suites and TLS 1.2's ECDHE + AEAD suites (Mozilla's "intermediate" list). */
    static final String[] CIPHER_SUITES = {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private TlsConnector() {
    }

    /**
     * @param host        the bind address
     * @param port        the port; 0 picks a free one
     * @param certificate the chain to present and its key
     */
    static ServerConnector create(Server server, HttpConfiguration shared, String host, int port,
                                  LocalCa.ServerCertificate certificate) {
        HttpConfiguration https = new HttpConfiguration(shared);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // clients reach a dev box by IP, by localhost or by a name not in the certificate
        https.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        // HTTP/2 header blocks are decoded up to a larger bound, and Http2HeaderLimit answers those past HTTP/1.1's
        // limit with a Graph 414/431: past Jetty's HPACK bound the whole connection ends with GOAWAY instead
        HttpConfiguration h2 = new HttpConfiguration(https);
        h2.setRequestHeaderSize(Http2HeaderLimit.HTTP2_DECODE_LIMIT);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(h2);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(sslContext(certificate), alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, tls, alpn, http2, http1);
        connector.setHost(host);
        connector.setPort(port);
        connector.setName("https");
        return connector;
    }

    private static SslContextFactory.Server sslContext(LocalCa.ServerCertificate certificate) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore(certificate));
        ssl.setKeyStorePassword("");
        ssl.setIncludeProtocols(PROTOCOLS);
        ssl.setIncludeCipherSuites(CIPHER_SUITES);
        ssl.setUseCipherSuitesOrder(true);
        ssl.setSniRequired(false);
        return ssl;
    }

    private static KeyStore keyStore(LocalCa.ServerCertificate certificate) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            List<? extends Certificate> chain = certificate.chain();
            ks.setKeyEntry("server", certificate.key(), new char[0], chain.toArray(Certificate[]::new));
            return ks;
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the server certificate cannot be used: " + e.getMessage(), e);
        }
    }
}
