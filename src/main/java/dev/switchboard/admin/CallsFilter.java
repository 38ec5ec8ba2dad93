package dev.switchboard.admin;

import dev.switchboard.core.CallState;
import dev.switchboard.error.SwitchboardException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A filter of the calls list; null or blank fields match everything (a page's empty filter fields).
 * {@code state} is a call state or {@code live}, in any casing.
 */
record CallsFilter(String appId, String tenantId, String state) {
    /** @throws SwitchboardException BAD_REQUEST for a {@code state} that is neither */
    CallsFilter {
        appId = blankToNull(appId);
        tenantId = blankToNull(tenantId);
        state = blankToNull(state);
        if (state != null && !state.equalsIgnoreCase("live") && !isCallState(state)) {
            throw SwitchboardException.badRequest("'state' must be a call state ("
                    + Arrays.stream(CallState.values()).map(CallState::wireName).collect(Collectors.joining(", "))
                    + ") or live, not '" + state + "'.");
        }
    }

    private static boolean isCallState(String name) {
        return Arrays.stream(CallState.values()).anyMatch(s -> s.wireName().equalsIgnoreCase(name));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    boolean matches(String app, String tenant, String callState, boolean live) {
        return (appId == null || appId.equalsIgnoreCase(app)) && (tenantId == null || tenantId.equalsIgnoreCase(tenant))
                && (state == null || state.equalsIgnoreCase(callState) || (live && state.equalsIgnoreCase("live")));
    }
}
