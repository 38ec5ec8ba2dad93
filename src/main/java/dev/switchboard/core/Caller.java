package dev.switchboard.core;

/**
 * Who acts on the engine, as the HTTP layers established it from a verified token (core does not see tokens).
 *
 * @param tenantId    the caller's tenant; never null
 * @param appId       the application (the bot, or the client app a user signed in with); never null
 * @param userId      the user's object id for a participant, null for a bot
 * @param displayName may be null
 */
public record Caller(String tenantId, String appId, String userId, String displayName) {
    public Caller {
        if (tenantId == null || appId == null) {
            throw new IllegalArgumentException("a caller needs a tenant and an app");
        }
    }

    /** A bot (application token). */
    public static Caller app(String tenantId, String appId) {
        return new Caller(tenantId, appId, null, null);
    }

    /** A participant (delegated user token). */
    public static Caller user(String tenantId, String appId, String userId, String displayName) {
        if (userId == null) {
            throw new IllegalArgumentException("a user caller needs a user id");
        }
        return new Caller(tenantId, appId, userId, displayName);
    }

    public boolean isUser() {
        return userId != null;
    }
}
