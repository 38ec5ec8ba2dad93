package dev.switchboard.auth;


import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/** The embedded authority as a trusted issuer: {@code iss = {base}/{tid}/v2.0} for each tenant of its directory. */
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
        String prefix = urls.base() + "/";
        String suffix = "/v2.0";
        if (!iss.startsWith(prefix) || !iss.endsWith(suffix) || iss.length() <= prefix.length() + suffix.length()) {
            return Match.NOT_MINE;
        }
        String issTenant = iss.substring(prefix.length(), iss.length() - suffix.length());
        if (!directory.hasTenant(issTenant)) {
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
