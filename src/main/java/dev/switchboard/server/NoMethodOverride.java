package dev.switchboard.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Hides {@code X-HTTP-Method-Override} from everything behind it: the framework would otherwise route a
 * {@code POST} carrying {@code X-HTTP-Method-Override: DELETE} as a {@code DELETE}. A request's method is the one on
 * its request line, always. Called on the request's thread; stateless.
 */
final class NoMethodOverride implements Filter {
    static final String HEADER = "X-HTTP-Method-Override";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getHeader(HEADER) != null) {
            chain.doFilter(new Stripped(http), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static final class Stripped extends HttpServletRequestWrapper {
        Stripped(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(HEADER::equalsIgnoreCase);
            return Collections.enumeration(names);
        }
    }
}
