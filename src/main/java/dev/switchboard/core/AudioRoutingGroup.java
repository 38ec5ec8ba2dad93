package dev.switchboard.core;

import java.util.List;

/**
 * One of a bot call's {@code audioRoutingGroups}: the audio of {@code sources} is heard by {@code receivers}
 * (participant ids of the call), on top of the default group in which everyone hears everyone
 * (docs/audio-routing.md).
 *
 * @param id        unique within the call; chosen by the bot or, when it gives none, by the server
 * @param mode      {@code oneToOne}: one source, one receiver; {@code multicast}: one source, one or more receivers
 * @param sources   exactly one participant id
 * @param receivers one participant id ({@code oneToOne}) or more ({@code multicast}), none repeated
 */
public record AudioRoutingGroup(String id, RoutingMode mode, List<String> sources, List<String> receivers) {
    public AudioRoutingGroup {
        sources = List.copyOf(sources);
        receivers = List.copyOf(receivers);
    }
}
