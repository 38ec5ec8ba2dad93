package dev.switchboard.client;

import dev.switchboard.core.Caller;

/**
 * One roster stream's place in a call's limits: reserved before the WebSocket upgrade, so that concurrent upgrades
 * cannot overshoot a limit, then holding the stream once connected. Equal only to itself (the id is unique).
 *
 * @param id          unique per server
 * @param callChainId the call's chain id (the key every alias shares)
 * @param callId      the call id the client addressed (written into each message)
 * @param user        the participant
 * @param reservedAt  {@link System#nanoTime}-style time of the reservation (an unclaimed one expires)
 * @param levels      the stream asked for {@code levels} messages ({@code ?levels=true})
 */
record RosterSlot(long id, String callChainId, String callId, Caller user, long reservedAt, boolean levels) {
}
