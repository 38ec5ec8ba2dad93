package dev.switchboard.server;

import dev.switchboard.auth.PublicOrigins;
import dev.switchboard.auth.TrustedProxies;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * On the http and https connectors: a request from a trusted proxy ({@code --trusted-proxies}) is given the remote
 * address of the client its {@code X-Forwarded-For} names ({@link TrustedProxies#clientOf}), so that everything that
 * reads a request's client address — the media-address check of a join or an app-hosted call, the sign-in limits'
 * addresses, audit lines, a JSON batch's requests, a cluster hop — reads the client's, not the proxy's. The proxy's
 * own address is kept in the request attribute {@link PublicOrigins#PROXY_PEER}. Requests from anyone else, and a
 * trusted proxy's without the header, are left as they are. Thread-safe; runs on each request's thread.
 */
final class ForwardedClient implements HttpConfiguration.Customizer {
    private final TrustedProxies proxies;

    ForwardedClient(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        if (proxies.isEmpty() || request.getConnectionMetaData().getConnector() instanceof LocalConnector) {
            return request; // no proxies; or a JSON batch's request, whose client address the server itself set
        }
        String peer = Request.getRemoteAddr(request);
        if (!proxies.contains(peer)) {
            return request;
        }
        request.setAttribute(PublicOrigins.PROXY_PEER, peer);
        List<String> forwardedFor = request.getHeaders().getValuesList("X-Forwarded-For");
        String client = proxies.clientOf(peer, forwardedFor);
        if (client.equals(peer)) {
            return request;
        }
        SocketAddress remote;
        try {
            remote = new InetSocketAddress(InetAddress.getByName(client), 0); // an IP literal: no lookup
        } catch (UnknownHostException e) {
            return request;
        }
        ConnectionMetaData connection = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return remote;
            }
        };
        return new Request.Wrapper(request) {
            @Override
            public ConnectionMetaData getConnectionMetaData() {
                return connection;
            }
        };
    }
}
