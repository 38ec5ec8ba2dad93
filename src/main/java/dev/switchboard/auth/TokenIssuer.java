package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Mints the embedded authority's RS256 access tokens for Microsoft Graph ({@code aud = https://graph.microsoft.com}).
 * Thread-safe.
 *
 * <p>App tokens: {@code iss, aud, tid, appid, azp, oid, idtyp:"app", roles} (omitted when none),
 * {@code iat, nbf, exp, jti}. The app's {@code oid} is its app id (the embedded authority has no separate
 * service-principal object ids).
 * User tokens: {@code iss, aud, tid, appid, azp} (the client app), {@code oid} (user id), {@code name},
 * {@code preferred_username}, {@code scp}, {@code idtyp:"user"}, {@code iat, nbf, exp, jti}; never {@code roles}.
 */
public final class TokenIssuer {
    private final SigningKeys keys;
    private final IssuerUrls urls;
    private final Clock clock;
    private final Duration lifetime;
    private volatile Signer signer;

    private record Signer(String kid, RSASSASigner rsa) {
    }

    public TokenIssuer(SigningKeys keys, IssuerUrls urls, Clock clock, Duration lifetime) {
        this.keys = keys;
        this.urls = urls;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** The authority's URLs at its default base. */
    public IssuerUrls urls() {
        return urls;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public IssuedToken appToken(AppRegistration app) {
        return appToken(urls, app);
    }

    /** @param at the authority's URLs as the requesting client reached it (the token's {@code iss}) */
    public IssuedToken appToken(IssuerUrls at, AppRegistration app) {
        JWTClaimsSet.Builder claims = common(at, app.tenantId())
                .claim("appid", app.appId())
                .claim("azp", app.appId())
                .claim("oid", app.appId())
                .claim("idtyp", "app");
        if (!app.roles().isEmpty()) {
            claims.claim("roles", List.copyOf(new TreeSet<>(app.roles())));
        }
        return sign(claims);
    }

    /** @param scopes the granted delegated scopes, e.g. {@code User.Read}; carried space-separated as {@code scp} */
    public IssuedToken userToken(AppRegistration app, UserAccount user, Set<String> scopes) {
        return userToken(urls, app, user, scopes);
    }

    /** @param at the authority's URLs as the requesting client reached it (the token's {@code iss}) */
    public IssuedToken userToken(IssuerUrls at, AppRegistration app, UserAccount user, Set<String> scopes) {
        JWTClaimsSet.Builder claims = common(at, user.tenantId())
                .claim("appid", app.appId())
                .claim("azp", app.appId())
                .claim("oid", user.userId())
                .claim("name", user.displayName())
                .claim("preferred_username", user.username())
                .claim("scp", String.join(" ", new TreeSet<>(scopes)))
                .claim("idtyp", "user");
        return sign(claims);
    }

    /**
     * The OpenID Connect ID token of a user signing in to {@code app}: {@code aud} = the app's client id, {@code sub}
     * and {@code oid} = the user id, {@code nonce} when the sign-in request carried one.
     */
    public String idToken(IssuerUrls at, AppRegistration app, UserAccount user, String nonce) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(at.issuer(user.tenantId()))
                .audience(app.appId())
                .subject(user.userId())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("tid", user.tenantId())
                .claim("oid", user.userId())
                .claim("name", user.displayName())
                .claim("preferred_username", user.username())
                .claim("ver", "2.0");
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        return signCompact(claims.build());
    }

    /** Signs arbitrary claims with the active key (callback tokens). */
    String signClaims(JWTClaimsSet claims) {
        return signCompact(claims);
    }

    private JWTClaimsSet.Builder common(IssuerUrls at, String tenantId) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .claim("aud", GraphAudience.URI)
                .issuer(at.issuer(tenantId))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("tid", tenantId)
                .jwtID(UUID.randomUUID().toString());
    }

    private IssuedToken sign(JWTClaimsSet.Builder claims) {
        return new IssuedToken(signCompact(claims.build()), lifetime.toSeconds());
    }

    private String signCompact(JWTClaimsSet claims) {
        Signer s = currentSigner();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(s.kid()).build(), claims);
        try {
            jwt.sign(s.rsa());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    private Signer currentSigner() {
        SigningKeys.Entry active = keys.active();
        Signer s = signer;
        if (s == null || !s.kid().equals(active.kid())) {
            try {
                s = new Signer(active.kid(), new RSASSASigner(active.key()));
            } catch (JOSEException e) {
                throw new IllegalStateException("unusable signing key " + active.kid(), e);
            }
            signer = s;
        }
        return s;
    }
}
