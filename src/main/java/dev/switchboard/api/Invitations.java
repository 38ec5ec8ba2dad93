package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.error.SwitchboardException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A list of Graph {@code invitationParticipantInfo}: the {@code targets} of a new call or the {@code participants} of
 * an invitation. The users, and the ids of those asked for with {@code removeFromDefaultAudioRoutingGroup: true}
 * (heard and hearing only through audio routing groups; docs/audio-routing.md), and the call an entry's
 * {@code replacesCallId} names (null when none does; an invitation that names one invites that one user only).
 */
record Invitations(List<ParticipantIdentity> users, Set<String> outsideDefaultAudio, String replacesCallId) {
    Invitations {
        users = List.copyOf(users);
        outsideDefaultAudio = Set.copyOf(outsideDefaultAudio);
    }

    /** Reads the list named {@code where} in the body; null (absent) is empty. */
    static Invitations read(ArrayNode array, String where) {
        List<ParticipantIdentity> users = new ArrayList<>();
        Set<String> outside = new HashSet<>();
        String replaces = null;
        for (int i = 0; array != null && i < array.size(); i++) {
            JsonNode n = array.get(i);
            if (!n.isObject()) {
                throw SwitchboardException.badRequest("Each entry of '" + where
                        + "' must be an invitationParticipantInfo object.");
            }
            ObjectNode info = (ObjectNode) n;
            String at = where + "[" + i + "].identity";
            ParticipantIdentity who = CreateCallBody.user(Json.requiredObject(info, "identity", at), where, at);
            users.add(who);
            if (Json.optionalBoolean(info, "removeFromDefaultAudioRoutingGroup",
                    where + "[" + i + "].removeFromDefaultAudioRoutingGroup")) {
                outside.add(who.id());
            }
            String r = IncomingCallsHandler.replacesCallId(info, where + "[" + i + "].replacesCallId");
            replaces = r != null ? r : replaces;
        }
        if (replaces != null && users.size() > 1) {
            throw SwitchboardException.badRequest("An invitation with 'replacesCallId' invites one participant only; "
                    + "this one lists " + users.size() + ".");
        }
        return new Invitations(users, outside, replaces);
    }
}
