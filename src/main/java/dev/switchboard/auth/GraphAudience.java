package dev.switchboard.auth;

import java.util.Set;

/** The two forms of Microsoft Graph's audience ({@code aud}) and its {@code .default} scopes. */
public final class GraphAudience {
    public static final String URI = "https://graph.microsoft.com";
    public static final String APP_ID = "00000003-0000-0000-c000-000000000000";
    public static final Set<String> ALL = Set.of(URI, APP_ID);

    private GraphAudience() {
    }

    /** Whether a scope names Graph's resource, e.g. {@code https://graph.microsoft.com/.default}. */
    static boolean isGraphScope(String scope) {
        return scope.startsWith(URI + "/") || scope.startsWith(APP_ID + "/");
    }

    /** The scope's permission part: {@code .default}, {@code User.Read}, … */
    static String permissionOf(String scope) {
        return scope.startsWith(URI + "/") ? scope.substring(URI.length() + 1) : scope.substring(APP_ID.length() + 1);
    }
}
