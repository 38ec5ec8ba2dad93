package dev.switchboard.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Enumeration;

/**
 * HTTP/1.1's request size limits for HTTP/2 requests, answered as Graph errors: a request line past
 * {@link #LIMIT} bytes is {@code 414}, a request line and headers past it together {@code 431}, as Jetty's HTTP/1.1
 * parser answers. Over HTTP/2 Jetty's HPACK decoder would instead end the whole connection with {@code GOAWAY}
 * (every request in flight on it lost, no Graph error), so the https listener lets HTTP/2 header blocks up to
 * {@link #HTTP2_DECODE_LIMIT} through to here. Called on the request's thread; stateless.
 */
final class Http2HeaderLimit implements Filter {
    /** Jetty's HTTP/1.1 request header size (request line and headers), which HTTP/2 requests are held to here. */
    static final int LIMIT = 8 * 1024;
    /** The HPACK decoder's bound on one HTTP/2 header block; past it Jetty still ends the connection. */
    static final int HTTP2_DECODE_LIMIT = 64 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && "HTTP/2.0".equals(http.getProtocol())
                && response instanceof HttpServletResponse answer) {
            long line = requestLine(http);
            if (line > LIMIT) {
                answer.sendError(414);
                return;
            }
            if (line + headers(http) > LIMIT) {
                answer.sendError(431);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** {@code METHOD SP target SP HTTP/2.0 CRLF}, in bytes as HTTP/1.1 would carry it. */
    private static long requestLine(HttpServletRequest http) {
        String query = http.getQueryString();
        return http.getMethod().length() + 1L + http.getRequestURI().length()
                + (query == null ? 0 : 1 + query.length()) + " HTTP/2.0\r\n".length();
    }

    /** Every {@code name: value CRLF}, and the empty line that ends them. */
    private static long headers(HttpServletRequest http) {
        long size = 2;
        for (Enumeration<String> names = http.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = http.getHeaders(name); values.hasMoreElements(); ) {
                size += name.length() + 2L + values.nextElement().length() + 2;
            }
        }
        return size;
    }
}
