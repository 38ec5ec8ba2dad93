package dev.switchboard.auth;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;

/**
 * The permission rules of the Graph calls API (facts §9): roles are checked once, when a call is
 * created or joined; later actions on the call only require the same app and tenant.
 */
public final class CallsPermission {
    public static final String INITIATE = "Calls.Initiate.All";
    public static final String INITIATE_GROUP_CALL = "Calls.InitiateGroupCall.All";
    public static final String JOIN_GROUP_CALL = "Calls.JoinGroupCall.All";
    public static final String JOIN_GROUP_CALL_AS_GUEST = "Calls.JoinGroupCallAsGuest.All";
    public static final String ACCESS_MEDIA = "Calls.AccessMedia.All";

    private CallsPermission() {
    }

    /** Requires an application (not delegated) token; the Graph calls API supports no delegated permission. */
    public static void requireApp(Principal principal) {
        if (!principal.appOnly()) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN,
                    "Delegated permissions are not supported by the calls API; use an application token.");
        }
    }

    /** Requires a delegated user token (the participants' client API). */
    public static void requireUser(Principal principal) {
        if (principal.appOnly()) {
            throw new SwitchboardException(ErrorCode.FORBIDDEN,
                    "Application tokens are not accepted by the participants' client API; use a user token.");
        }
    }

    /**
     * Checks the roles needed to create or join a call.
     *
     * @throws SwitchboardException {@link ErrorCode#FORBIDDEN} naming the missing permission
     */
    public static void checkCreate(Principal principal, CallKind kind, boolean appHostedMedia) {
        requireApp(principal);
        switch (kind) {
            case PEER_TO_PEER -> require(principal, INITIATE);
            case NEW_GROUP_CALL -> require(principal, INITIATE_GROUP_CALL);
            case JOIN_MEETING -> {
                if (!principal.hasRole(JOIN_GROUP_CALL) && !principal.hasRole(JOIN_GROUP_CALL_AS_GUEST)) {
                    throw missing(JOIN_GROUP_CALL + " or " + JOIN_GROUP_CALL_AS_GUEST);
                }
            }
        }
        if (appHostedMedia) {
            require(principal, ACCESS_MEDIA);
        }
    }

    /**
     * Whether the caller may act on an existing call (get, mute, unmute, delete, …): an application token of the same
     * tenant and app that created it. No role is checked again (facts §9.4); callers answer 404 for a call the
     * principal does not own, so that nothing about it leaks.
     */
    public static boolean owns(Principal principal, String callTenantId, String callAppId) {
        return principal.appOnly() && principal.tenantId().equals(callTenantId) && principal.appId().equals(callAppId);
    }

    /** Inviting participants into a group call needs the group-call permission (facts §9.3). */
    public static void checkInvite(Principal principal) {
        requireApp(principal);
        require(principal, INITIATE_GROUP_CALL);
    }

    /**
     * Answering an incoming call needs no role for service-hosted media ("the bot doesn't need any additional
     * permissions in order to respond to the P2P call", facts IVR §2.1); app-hosted media needs AccessMedia.
     */
    public static void checkAnswer(Principal principal, boolean appHostedMedia) {
        requireApp(principal);
        if (appHostedMedia) {
            require(principal, ACCESS_MEDIA);
        }
    }

    /**
     * Audio routing groups need {@code Calls.JoinGroupCall.All} or {@code Calls.InitiateGroupCall.All} (facts IVR §0,
     * the least privileged of the permissions reference).
     */
    public static void checkAudioRouting(Principal principal) {
        requireApp(principal);
        if (!principal.hasRole(JOIN_GROUP_CALL) && !principal.hasRole(INITIATE_GROUP_CALL)) {
            throw missing(JOIN_GROUP_CALL + " or " + INITIATE_GROUP_CALL);
        }
    }

    /** Redirecting or transferring a call needs {@code Calls.Initiate.All} (facts IVR §0). */
    public static void checkRedirectOrTransfer(Principal principal) {
        requireApp(principal);
        require(principal, INITIATE);
    }

    /**
     * Logging a video teleconferencing device's quality ({@code POST /communications/calls/logTeleconferenceDeviceQuality},
     * bound to no call) needs {@code Calls.AccessMedia.All} (Graph's permissions for the action).
     */
    public static void checkLogDeviceQuality(Principal principal) {
        requireApp(principal);
        require(principal, ACCESS_MEDIA);
    }

    private static void require(Principal principal, String role) {
        if (!principal.hasRole(role)) {
            throw missing(role);
        }
    }

    private static SwitchboardException missing(String role) {
        return new SwitchboardException(ErrorCode.FORBIDDEN,
                "The application does not have the required permission: " + role + ".");
    }
}
