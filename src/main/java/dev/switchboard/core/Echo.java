package dev.switchboard.core;

/**
 * What a bot sent that the engine carries but never reads (Graph echoes {@code meetingInfo}, {@code chatInfo},
 * {@code callOptions}, {@code targets}, {@code mediaConfig} back on the call). The layer that parsed the request
 * implements it and renders it back; core only keeps the reference. Implementations are immutable.
 */
public interface Echo {
}
