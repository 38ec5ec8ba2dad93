package dev.switchboard.auth;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.switchboard.auth.CallsPermission.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallsPermissionTest {
    static final List<String> ALL = List.of(INITIATE, INITIATE_GROUP_CALL, JOIN_GROUP_CALL, JOIN_GROUP_CALL_AS_GUEST, ACCESS_MEDIA);

    static Principal app(String... roles) {
        return Principal.app(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, "bot", Set.of(roles));
    }

    static Principal user() {
        return Principal.user(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, DevIdentities.ALICE_ID, "Alice", Set.of("User.Read"));
    }

    static void forbidden(Runnable r, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(SwitchboardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.code().httpStatus()).isEqualTo(403);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    /** kind | roles (space-separated, - for none) | app-hosted media | expected: OK or the permission the error must name */
    @ParameterizedTest(name = "{0} roles=[{1}] appHosted={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            PEER_TO_PEER   | Calls.Initiate.All                                   | false | OK
            PEER_TO_PEER   | -                                                    | false | Calls.Initiate.All
            PEER_TO_PEER   | Calls.InitiateGroupCall.All                          | false | Calls.Initiate.All
            PEER_TO_PEER   | Calls.JoinGroupCall.All Calls.AccessMedia.All        | false | Calls.Initiate.All
            PEER_TO_PEER   | Calls.Initiate.All                                   | true  | Calls.AccessMedia.All
            PEER_TO_PEER   | Calls.Initiate.All Calls.AccessMedia.All             | true  | OK
            PEER_TO_PEER   | Calls.AccessMedia.All                                | true  | Calls.Initiate.All
            NEW_GROUP_CALL | Calls.InitiateGroupCall.All                          | false | OK
            NEW_GROUP_CALL | Calls.Initiate.All                                   | false | Calls.InitiateGroupCall.All
            NEW_GROUP_CALL | Calls.JoinGroupCall.All                              | false | Calls.InitiateGroupCall.All
            NEW_GROUP_CALL | -                                                    | false | Calls.InitiateGroupCall.All
            NEW_GROUP_CALL | Calls.InitiateGroupCall.All                          | true  | Calls.AccessMedia.All
            NEW_GROUP_CALL | Calls.InitiateGroupCall.All Calls.AccessMedia.All    | true  | OK
            JOIN_MEETING   | Calls.JoinGroupCall.All                              | false | OK
            JOIN_MEETING   | Calls.JoinGroupCallAsGuest.All                       | false | OK
            JOIN_MEETING   | Calls.JoinGroupCall.All Calls.JoinGroupCallAsGuest.All | false | OK
            JOIN_MEETING   | Calls.Initiate.All Calls.InitiateGroupCall.All       | false | Calls.JoinGroupCall.All or Calls.JoinGroupCallAsGuest.All
            JOIN_MEETING   | -                                                    | false | Calls.JoinGroupCall.All or Calls.JoinGroupCallAsGuest.All
            JOIN_MEETING   | Calls.JoinGroupCallasGuest.All                       | false | Calls.JoinGroupCall.All or Calls.JoinGroupCallAsGuest.All
            JOIN_MEETING   | Calls.JoinGroupCall.All                              | true  | Calls.AccessMedia.All
            JOIN_MEETING   | Calls.JoinGroupCallAsGuest.All Calls.AccessMedia.All | true  | OK
            JOIN_MEETING   | Calls.AccessMedia.All                                | true  | Calls.JoinGroupCall.All or Calls.JoinGroupCallAsGuest.All
            """)
    void rolesNeededToCreateACall(CallKind kind, String roles, boolean appHosted, String expected) {
        Principal p = app(roles.equals("-") ? new String[0] : roles.split(" "));
        if (expected.equals("OK")) {
            assertThatCode(() -> checkCreate(p, kind, appHosted)).doesNotThrowAnyException();
        } else {
            forbidden(() -> checkCreate(p, kind, appHosted), "required permission: " + expected + ".");
        }
    }

    @Test
    void everyKindRoleSetAndMediaModeFollowsTheRule() {
        int checked = 0;
        for (CallKind kind : CallKind.values()) {
            for (int mask = 0; mask < 1 << ALL.size(); mask++) {
                Set<String> roles = new HashSet<>();
                for (int i = 0; i < ALL.size(); i++) {
                    if ((mask & 1 << i) != 0) {
                        roles.add(ALL.get(i));
                    }
                }
                for (boolean appHosted : new boolean[] {false, true}) {
                    boolean kindOk = switch (kind) {
                        case PEER_TO_PEER -> roles.contains("Calls.Initiate.All");
                        case NEW_GROUP_CALL -> roles.contains("Calls.InitiateGroupCall.All");
                        case JOIN_MEETING -> roles.contains("Calls.JoinGroupCall.All") || roles.contains("Calls.JoinGroupCallAsGuest.All");
                    };
                    boolean mediaOk = !appHosted || roles.contains("Calls.AccessMedia.All");
                    Principal p = Principal.app("t", "a", null, roles);
                    boolean allowed;
                    try {
                        checkCreate(p, kind, appHosted);
                        allowed = true;
                    } catch (SwitchboardException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                        allowed = false;
                    }
                    assertThat(allowed).as("%s %s appHosted=%s", kind, roles, appHosted).isEqualTo(kindOk && mediaOk);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 32 * 2);
    }

    @Test
    void theDevAppsGetWhatTheIssueSays() {
        IdentityDirectory d = DevIdentities.directory();
        Principal devBot = principalOf(d.app(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).orElseThrow());
        Principal p2p = principalOf(d.app(DevIdentities.TENANT_ID, DevIdentities.P2P_BOT_APP_ID).orElseThrow());
        for (CallKind kind : CallKind.values()) {
            assertThatCode(() -> checkCreate(devBot, kind, true)).doesNotThrowAnyException();
        }
        assertThatCode(() -> checkCreate(p2p, CallKind.PEER_TO_PEER, false)).doesNotThrowAnyException();
        forbidden(() -> checkCreate(p2p, CallKind.PEER_TO_PEER, true), ACCESS_MEDIA);
        forbidden(() -> checkCreate(p2p, CallKind.NEW_GROUP_CALL, false), INITIATE_GROUP_CALL);
        forbidden(() -> checkCreate(p2p, CallKind.JOIN_MEETING, false), JOIN_GROUP_CALL);
    }

    static Principal principalOf(AppRegistration a) {
        return Principal.app(a.tenantId(), a.appId(), a.displayName(), a.roles());
    }

    @Test
    void delegatedTokenIsRefusedByTheCallsApiWhateverItAsksFor() {
        for (CallKind kind : CallKind.values()) {
            forbidden(() -> checkCreate(user(), kind, false), "Delegated permissions are not supported");
        }
        forbidden(() -> requireApp(user()), "Delegated permissions are not supported");
        forbidden(() -> checkInvite(user()), "Delegated permissions are not supported");
    }

    @Test
    void appTokenIsRefusedByTheClientApi() {
        forbidden(() -> requireUser(app(ALL.toArray(String[]::new))), "Application tokens are not accepted");
        assertThatCode(() -> requireUser(user())).doesNotThrowAnyException();
        assertThatCode(() -> requireApp(app())).doesNotThrowAnyException();
    }

    @Test
    void invitingNeedsTheGroupCallPermission() {
        assertThatCode(() -> checkInvite(app(INITIATE_GROUP_CALL))).doesNotThrowAnyException();
        forbidden(() -> checkInvite(app(INITIATE, JOIN_GROUP_CALL, ACCESS_MEDIA)), INITIATE_GROUP_CALL);
    }

    @Test
    void laterActionsNeedTheSameAppAndTenantButNoRole() {
        Principal noRoles = app();
        assertThat(owns(noRoles, DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID)).isTrue();
        assertThat(owns(noRoles, DevIdentities.OTHER_TENANT_ID, DevIdentities.DEV_BOT_APP_ID)).isFalse();
        assertThat(owns(noRoles, DevIdentities.TENANT_ID, DevIdentities.P2P_BOT_APP_ID)).isFalse();
        assertThat(owns(user(), DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID)).isFalse();
    }

    @Test
    void permissionNamesAreTheCanonicalRoleValues() {
        assertThat(new ArrayList<>(ALL)).containsExactly("Calls.Initiate.All", "Calls.InitiateGroupCall.All",
                "Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All", "Calls.AccessMedia.All");
        assertThat(Arrays.stream(CallKind.values()).map(Enum::name)).containsExactly("PEER_TO_PEER", "NEW_GROUP_CALL", "JOIN_MEETING");
    }
}
