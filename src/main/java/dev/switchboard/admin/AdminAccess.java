package dev.switchboard.admin;

import dev.switchboard.auth.AdminRoles;
import dev.switchboard.auth.AppRegistration;
import dev.switchboard.auth.BearerAuthenticator;
import dev.switchboard.auth.IdentityDirectory;
import dev.switchboard.auth.IssuedToken;
import dev.switchboard.auth.Principal;
import dev.switchboard.auth.SignInThrottle;
import dev.switchboard.auth.TenantEntry;
import dev.switchboard.auth.TokenIssuer;
import dev.switchboard.auth.UserAccount;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the admin API: a delegated user token of the embedded authority whose user has an admin role in the
 * directory ({@link AdminRoles}). No token or a bad one → 401; an application token or a user without the role → 403
 * (Graph-style errors). Signing in ({@link #signIn}) checks the user's password and issues such a token for the
 * dashboard's own client id. Stateless; thread-safe.
 */
public final class AdminAccess {
    /** The client id the dashboard's tokens name ({@code appid}); not a registered app, it can do nothing in Graph. */
    public static final String DASHBOARD_APP_ID = "00000000-0000-4000-8000-00000000da5b";

    private final BearerAuthenticator authenticator;
    private final IdentityDirectory directory;
    private final TokenIssuer issuer;
    private final SignInThrottle signIns;

    /** @param signIns the limit on failed sign-ins, shared with the authority's other sign-in paths */
    public AdminAccess(BearerAuthenticator authenticator, IdentityDirectory directory, TokenIssuer issuer, SignInThrottle signIns) {
        this.authenticator = authenticator;
        this.directory = directory;
        this.issuer = issuer;
        this.signIns = signIns;
    }

    /**
     * The administrator an {@code Authorization} header proves.
     *
     * @throws SwitchboardException INVALID_AUTHENTICATION_TOKEN (401) without a valid token, FORBIDDEN (403) for an
     *                              application token or a user who is no administrator
     */
    public Admin require(String authorizationHeader) {
        Principal p = authenticator.authenticate(authorizationHeader);
        if (p.appOnly()) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN,
                    "The admin API takes an administrator's user token; application tokens are refused.");
        }
        UserAccount user = directory.userById(p.tenantId(), p.userId()).orElse(null);
        AdminRoles.Scope scope = user == null ? null : AdminRoles.scopeOf(user).orElse(null);
        if (scope == null) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "The signed-in user is not an administrator of this server.");
        }
        return new Admin(user.tenantId(), user.userId(), user.username(), user.displayName(), scope);
    }

    /**
     * Signs an administrator in with user name and password: a delegated token for {@link #DASHBOARD_APP_ID}.
     *
     * @param tenantId the user's tenant, or null to find the user name in any tenant
     * @param address  the client's address (the per-address limit), or null
     * @throws SwitchboardException INVALID_AUTHENTICATION_TOKEN (401) for an unknown user or a wrong password (the same
     *                              answer for both), FORBIDDEN (403) for a user who is no administrator,
     *                              TOO_MANY_REQUESTS (429, with the wait) after too many failures ({@link SignInThrottle})
     */
    public SignedIn signIn(String tenantId, String username, String password, String address) {
        if (username == null || username.isBlank() || password == null) {
            throw SwitchboardException.badRequest("'username' and 'password' are required.");
        }
        java.time.Duration wait = signIns.blocked(username, address, "admin");
        if (wait != null) {
            throw new SwitchboardException(ErrorCode.TOO_MANY_REQUESTS, SignInThrottle.lockedMessage(wait), wait);
        }
        List<UserAccount> candidates = new ArrayList<>();
        for (TenantEntry t : directory.tenants()) {
            if (tenantId == null || t.id().equalsIgnoreCase(tenantId)) {
                directory.user(t.id(), username).ifPresent(candidates::add);
            }
        }
        UserAccount user = null;
        for (UserAccount u : candidates) {
            if (directory.passwordMatches(u, password)) {
                user = u;
                break;
            }
        }
        if (candidates.isEmpty()) {
            directory.passwordMatches(null, password); // an unknown name takes as long as a wrong password
        }
        if (user == null) {
            signIns.failed(username, address);
            throw new SwitchboardException(ErrorCode.INVALID_AUTHENTICATION_TOKEN, "The user name or password is incorrect.");
        }
        signIns.succeeded(username, address);
        Optional<AdminRoles.Scope> scope = AdminRoles.scopeOf(user);
        if (scope.isEmpty()) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN, "The signed-in user is not an administrator of this server.");
        }
        AppRegistration dashboard = new AppRegistration(user.tenantId(), DASHBOARD_APP_ID, "Switchboard dashboard", null,
                Set.of(), Set.of("User.Read"));
        IssuedToken token = issuer.userToken(dashboard, user, Set.of("User.Read"));
        return new SignedIn(token, new Admin(user.tenantId(), user.userId(), user.username(), user.displayName(), scope.get()));
    }

    /**
     * A verified administrator.
     *
     * @param scope which tenants' calls the administrator sees and acts on
     */
    public record Admin(String tenantId, String userId, String username, String displayName, AdminRoles.Scope scope) {
        public boolean sees(String callTenantId) {
            return scope.sees(callTenantId);
        }
    }

    /** A successful sign-in: the token and who it is for. */
    public record SignedIn(IssuedToken token, Admin admin) {
    }
}
