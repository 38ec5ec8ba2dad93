package dev.switchboard.core;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.media.AudioRoutes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A bot call's {@code audioRoutingGroups} (docs/audio-routing.md): created, read, changed and deleted under the
 * conference lock, and after every change the conference's routes, from all of its bots' groups and the participants
 * kept out of the default group, go to the media room (from its next tick). Thread-safe; request threads.
 */
public final class AudioRoutingCalls {
    /** Groups one call may hold. */
    public static final int MAX_GROUPS = 64;
    /** Receivers one multicast group may name. */
    public static final int MAX_RECEIVERS = 1000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private final CallAccess access;

    AudioRoutingCalls(CallAccess access) {
        this.access = access;
    }

    /** The call's groups, in creation order. */
    public List<AudioRoutingGroup> list(String callId, Caller app) {
        return access.withCall(callId, app, call -> List.copyOf(call.routingGroups.values()));
    }

    public AudioRoutingGroup get(String callId, String groupId, Caller app) {
        return access.withCall(callId, app, call -> group(call, groupId));
    }

    /**
     * Creates a group; {@code group.id()} null lets the server choose one.
     *
     * @throws SwitchboardException BAD_REQUEST (shape, unknown participant, too many groups), CONFLICT (id taken)
     */
    public AudioRoutingGroup create(String callId, AudioRoutingGroup group, Caller app) {
        if (group.id() != null && !ID.matcher(group.id()).matches()) {
            throw SwitchboardException.badRequest("'id' must be 1 to 128 letters, digits, '.', '_', '~' or '-'.");
        }
        return access.withCall(callId, app, call -> {
            AudioRoutingGroup g = group.id() != null ? group
                    : new AudioRoutingGroup(Ids.next(), group.mode(), group.sources(), group.receivers());
            if (call.routingGroups.containsKey(g.id())) {
                throw new SwitchboardException(ErrorCode.CONFLICT, "The call already has an audio routing group '"
                        + g.id() + "'.");
            }
            if (call.routingGroups.size() >= MAX_GROUPS) {
                throw SwitchboardException.badRequest("A call holds at most " + MAX_GROUPS + " audio routing groups.");
            }
            check(call.conference, g);
            call.routingGroups.put(g.id(), g);
            apply(call.conference);
            return g;
        });
    }

    /**
     * Changes a group: each of {@code mode}, {@code sources}, {@code receivers} that is not null replaces the group's.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND (no such group), BAD_REQUEST (the changed group is not valid)
     */
    public AudioRoutingGroup update(String callId, String groupId, RoutingMode mode, List<String> sources,
                                    List<String> receivers, Caller app) {
        return access.withCall(callId, app, call -> {
            AudioRoutingGroup old = group(call, groupId);
            AudioRoutingGroup g = new AudioRoutingGroup(old.id(), mode != null ? mode : old.mode(),
                    sources != null ? sources : old.sources(), receivers != null ? receivers : old.receivers());
            check(call.conference, g);
            call.routingGroups.put(g.id(), g);
            apply(call.conference);
            return g;
        });
    }

    public void delete(String callId, String groupId, Caller app) {
        access.withCall(callId, app, call -> {
            call.routingGroups.remove(group(call, groupId).id());
            apply(call.conference);
            return null;
        });
    }

    private static AudioRoutingGroup group(Call call, String groupId) {
        AudioRoutingGroup g = groupId == null ? null : call.routingGroups.get(groupId);
        if (g == null) {
            throw SwitchboardException.notFound("Audio routing group '" + groupId + "'");
        }
        return g;
    }

    /** The group's shape for its mode, and every participant it names in the call now. */
    private static void check(Conference c, AudioRoutingGroup g) {
        if (g.sources().size() != 1) {
            throw SwitchboardException.badRequest("'sources' must name exactly one participant id (" + g.mode().wireName()
                    + " routes one participant's audio), not " + g.sources().size() + ".");
        }
        int receivers = g.receivers().size();
        if (g.mode() == RoutingMode.ONE_TO_ONE ? receivers != 1 : receivers < 1 || receivers > MAX_RECEIVERS) {
            throw SwitchboardException.badRequest("'receivers' must name " + (g.mode() == RoutingMode.ONE_TO_ONE
                    ? "exactly one participant id in a oneToOne group" : "1 to " + MAX_RECEIVERS + " participant ids in a "
                    + "multicast group") + ", not " + receivers + ".");
        }
        if (new HashSet<>(g.receivers()).size() != receivers) {
            throw SwitchboardException.badRequest("'receivers' names a participant more than once.");
        }
        String source = g.sources().get(0);
        if (g.receivers().contains(source)) {
            throw SwitchboardException.badRequest("'receivers' names the source '" + source + "': a participant does "
                    + "not hear itself.");
        }
        for (String id : g.sources()) {
            requireParticipant(c, id, "sources");
        }
        for (String id : g.receivers()) {
            requireParticipant(c, id, "receivers");
        }
    }

    private static void requireParticipant(Conference c, String id, String field) {
        if (!c.participants.containsKey(id)) {
            throw SwitchboardException.badRequest("'" + field + "' names '" + id + "', which is not a participant of "
                    + "this call.");
        }
    }

    /**
     * Sends the conference's routes to its media room: the participants kept out of the default group, and every
     * live bot call's groups (receiver to sources). Lock held.
     */
    static void apply(Conference c) {
        Set<String> outside = new HashSet<>();
        Set<String> bots = new HashSet<>();
        for (Participant p : c.participants.values()) {
            if (p.outsideDefaultAudio) {
                outside.add(p.id);
            }
            if (p.botCall != null) {
                bots.add(p.id);
            }
        }
        Map<String, Set<String>> heard = new HashMap<>();
        for (Call bot : c.botCalls) {
            if (!bot.live()) {
                continue;
            }
            for (AudioRoutingGroup g : bot.routingGroups.values()) {
                for (String r : g.receivers()) {
                    heard.computeIfAbsent(r, k -> new HashSet<>()).addAll(g.sources());
                }
            }
        }
        c.room.route(outside.isEmpty() && heard.isEmpty() ? AudioRoutes.DEFAULT : new AudioRoutes(outside, heard, bots));
    }
}
