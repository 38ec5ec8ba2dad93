package dev.switchboard.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second, independent token issuer on loopback (JDK HttpServer): its own RSA keys, an OpenID configuration and a
 * JWKS whose keys the test can change; counts the JWKS downloads.
 */
final class IssuerStub implements AutoCloseable {
    final HttpServer http;
    final AtomicInteger jwksHits = new AtomicInteger();
    final AtomicInteger metadataHits = new AtomicInteger();
    volatile List<RSAKey> published;
    volatile String issuer;
    volatile int jwksStatus = 200;

    IssuerStub(List<RSAKey> keys, String issuerTemplate) throws IOException {
        this.published = keys;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.issuer = issuerTemplate.replace("{base}", base());
        http.createContext("/common/v2.0/.well-known/openid-configuration", ex -> {
            metadataHits.incrementAndGet();
            String body = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base() + "/common/discovery/v2.0/keys\","
                    + "\"token_endpoint\":\"" + base() + "/common/oauth2/v2.0/token\"}";
            send(ex, 200, body);
        });
        http.createContext("/common/discovery/v2.0/keys", ex -> {
            jwksHits.incrementAndGet();
            send(ex, jwksStatus, new JWKSet(published.stream().map(k -> (JWK) k.toPublicJWK()).toList()).toString(true));
        });
        http.start();
    }

    private static void send(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    URI openIdConfiguration() {
        return URI.create(base() + "/common/v2.0/.well-known/openid-configuration");
    }

    URI jwks() {
        return URI.create(base() + "/common/discovery/v2.0/keys");
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
