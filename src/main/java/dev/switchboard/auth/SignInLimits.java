package dev.switchboard.auth;

import java.time.Duration;

/**
 * The limit on password guessing where the OAuth sign-ins check a password (token endpoint password grant, authorize
 * page, device-code page): administrators by the stricter {@link SignInThrottle} (shared with the admin API), every
 * other user name, known or not, by {@link UserSignInThrottle}. Thread-safe as both are.
 */
public final class SignInLimits {
    private final SignInThrottle admins;
    private final UserSignInThrottle users;

    public SignInLimits(SignInThrottle admins, UserSignInThrottle users) {
        this.admins = admins;
        this.users = users;
    }

    /** The users' limit (no administrators). */
    public UserSignInThrottle users() {
        return users;
    }

    /** Writes every limit's pending summaries of refusals (on shutdown). */
    public void flush() {
        admins.refusals().flush();
        users.refusals().flush();
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
        return SignInThrottle.guards(user) ? admins.blocked(username, address, path) : users.blocked(username, address, path);
    }

    /** A failed sign-in: unknown name or wrong password. */
    public void failed(UserAccount user, String username, String address) {
        if (SignInThrottle.guards(user)) {
            admins.failed(username, address);
        } else {
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
