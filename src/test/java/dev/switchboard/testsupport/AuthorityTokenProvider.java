package dev.switchboard.testsupport;

import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;

import java.net.URI;
import java.util.Map;

/**
 * A Kiota {@link AccessTokenProvider} that gets app tokens from the server's embedded authority with the client
 * credentials grant, like a bot's credential would from Entra ID, and reuses a token until shortly before it
 * expires. Use inside {@code new BaseBearerTokenAuthenticationProvider(provider)}. Thread-safe.
 */
public final class AuthorityTokenProvider implements AccessTokenProvider {
    private final String baseUrl;
    private final String tenantId;
    private final String clientId;
    private final String secret;
    private final AllowedHostsValidator hosts;
    private String token;
    private long refreshAtMillis;
    private int fetches;

    /** @param allowedHosts hosts (no port) that get the token, e.g. {@code localhost}, {@code 127.0.0.1} */
    public AuthorityTokenProvider(String baseUrl, String tenantId, String clientId, String secret, String... allowedHosts) {
        this.baseUrl = baseUrl;
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.secret = secret;
        this.hosts = new AllowedHostsValidator(allowedHosts);
    }

    @Override
    public synchronized String getAuthorizationToken(URI uri, Map<String, Object> additionalAuthenticationContext) {
        if (!hosts.isUrlHostValid(uri)) {
            return "";
        }
        long now = System.currentTimeMillis();
        if (token == null || now >= refreshAtMillis) {
            token = Tokens.appToken(baseUrl, tenantId, clientId, secret);
            refreshAtMillis = now + 30 * 60 * 1000L;
            fetches++;
        }
        return token;
    }

    @Override
    public AllowedHostsValidator getAllowedHostsValidator() {
        return hosts;
    }

    /** How many tokens were fetched from the authority so far. */
    public synchronized int fetches() {
        return fetches;
    }
}
