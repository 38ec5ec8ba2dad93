package dev.switchboard.auth;


import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * The embedded authority as a trusted issuer: {@code iss = {base}/{tid}/v2.0} for each tenant of its directory, where
 * {@code base} is any address the server is reached by (tokens carry the scheme and host their client used).
 */
public final class EmbeddedIssuer implements TrustedIssuer {
    private final IdentityDirectory directory;
    private final IssuerUrls urls;
    private final SigningKeys keys;

    public EmbeddedIssuer(IdentityDirectory directory, IssuerUrls urls, SigningKeys keys) {
        this.directory = directory;
        this.urls = urls;
        this.keys = keys;
    }

    @Override
    public Match match(String iss, String tid) {
        String suffix = "/v2.0";
        if (!iss.endsWith(suffix)) {
            return Match.NOT_MINE;
        }
        String rest = iss.substring(0, iss.length() - suffix.length());
        int slash = rest.lastIndexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            return Match.NOT_MINE;
        }
        String issTenant = rest.substring(slash + 1);
        if (!urls.isOwnBase(rest.substring(0, slash)) || !directory.hasTenant(issTenant)) {
            return Match.NOT_MINE;
        }
        return issTenant.equals(tid) ? Match.ACCEPTED : Match.TENANT_MISMATCH;
    }

    @Override
    public RSAPublicKey key(String kid) {
        return keys.publicKey(kid).orElse(null);
    }

    @Override
    public boolean stillPublishes(String kid) {
        return keys.publicKey(kid).isPresent();
    }

    @Override
    public String appDisplayName(String tenantId, String appId, Map<String, Object> claims) {
        return directory.app(tenantId, appId).map(AppRegistration::displayName).orElse(null);
    }
}
