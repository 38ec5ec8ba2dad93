package dev.switchboard.media;

import java.util.Map;
import java.util.Set;

/**
 * Who hears whom in a room beyond its default group (Graph's audio routing groups, docs/audio-routing.md), by
 * participant id. In the default group everyone hears everyone else; a participant in {@code outsideDefault} is neither
 * heard by the default group nor hears it. {@code extraSources} maps a listener to the participants it hears besides
 * (or, outside the default group, instead of) the default mix. A participant id in {@code bots} stands for the call's
 * service-hosted media: whoever hears it hears the bot's prompts, and when it is a listener the bot's recordings hear
 * its sources. Ids of participants without a leg in the room are ignored. Immutable.
 */
public record AudioRoutes(Set<String> outsideDefault, Map<String, Set<String>> extraSources, Set<String> bots) {
    /** Everyone in the default group, nothing else: the room's plain mix. */
    public static final AudioRoutes DEFAULT = new AudioRoutes(Set.of(), Map.of(), Set.of());

    public AudioRoutes {
        outsideDefault = Set.copyOf(outsideDefault);
        Map<String, Set<String>> copy = new java.util.HashMap<>();
        extraSources.forEach((listener, sources) -> copy.put(listener, Set.copyOf(sources)));
        extraSources = Map.copyOf(copy);
        bots = Set.copyOf(bots);
    }

    /** True when no route differs from the plain mix: nobody outside the default group and no extra source. */
    public boolean plain() {
        return outsideDefault.isEmpty() && extraSources.isEmpty();
    }
}
