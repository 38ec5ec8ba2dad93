package dev.switchboard.auth;

import java.time.Duration;

/**
 * The limit on password guessing where the OAuth sign-ins check a password (token endpoint password grant, authorize
 * page, device-code page): administrators by the stricter {@link SignInThrottle} (shared with the admin API), every
 * other user name, known or not, by {@link UserSignInThrottle} and, at addresses not familiar for the name, by
 * {@link PasswordSprayLimit}; and the limit on client secrets, per client id, by another {@link UserSignInThrottle}.
 * Thread-safe as they are.
 */
public final class SignInLimits {
    private final SignInThrottle admins;
    private final UserSignInThrottle users;
    private final UserSignInThrottle clients;
    private final PasswordSprayLimit spray;

    public SignInLimits(SignInThrottle admins, UserSignInThrottle users) {
        this(admins, users, clientLimit(java.time.Clock.systemUTC()), new PasswordSprayLimit(java.time.Clock.systemUTC()));
    }

    /**
     * @param clients the limit on client secrets, per client id ({@link #clientLimit})
     * @param spray   the limit on failures across user names per address
     */
    public SignInLimits(SignInThrottle admins, UserSignInThrottle users, UserSignInThrottle clients,
                        PasswordSprayLimit spray) {
        this.admins = admins;
        this.users = users;
        this.clients = clients;
        this.spray = spray;
    }

    /** The limit on guessing client secrets: the users' limit, counted per client id (docs/identity.md). */
    public static UserSignInThrottle clientLimit(java.time.Clock clock) {
        return new UserSignInThrottle(clock, "client secret throttled", "clientId");
    }

    /** The users' limit (no administrators). */
    public UserSignInThrottle users() {
        return users;
    }

    /** The limit on failures across user names per address. */
    public PasswordSprayLimit spray() {
        return spray;
    }

    /** The limit on client secrets, per client id, wherever the token endpoint checks one. */
    public UserSignInThrottle clients() {
        return clients;
    }

    /** Writes every limit's pending summaries of refusals (on shutdown). */
    public void flush() {
        admins.refusals().flush();
        users.refusals().flush();
        clients.refusals().flush();
        spray.refusals().flush();
    }

    /** The administrators' limit, shared with the admin API's sign-in. */
    public SignInThrottle admins() {
        return admins;
    }

    /**
     * How long this sign-in must still wait, or null when its password may be checked; a refusal is audited.
     *
     * @param user     the account the name names, or null when none
     * @param address  the TCP peer's address, or null
     * @param path     for the audit line
     */
    public Duration blocked(UserAccount user, String username, String address, String path) {
        if (SignInThrottle.guards(user)) {
            return admins.blocked(username, address, path);
        }
        Duration wait = users.blocked(username, address, path);
        return wait != null || users.familiar(username, address) ? wait : spray.blocked(address, path);
    }

    /** A failed sign-in: unknown name or wrong password. */
    public void failed(UserAccount user, String username, String address) {
        if (SignInThrottle.guards(user)) {
            admins.failed(username, address);
        } else {
            if (!users.familiar(username, address)) {
                spray.failed(username, address); // a familiar name's typos are no spraying
            }
            users.failed(username, address);
        }
    }

    /** A successful sign-in of {@code user}. */
    public void succeeded(UserAccount user, String username, String address) {
        if (SignInThrottle.guards(user)) {
            admins.succeeded(username, address);
        } else {
            users.succeeded(username, address);
        }
    }
}
