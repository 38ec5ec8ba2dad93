// The live roster over the roster stream (a WebSocket; the token goes in access_token since browsers cannot set
// headers on it). Each roster message carries the whole roster; the last one of an ended call has type "ended" (with
// "movedTo": the call this participant now belongs to, when another call replaced this one). A participant moved out
// of a call that goes on (a transfer out of a group call) is removed with "movedTo" on its entry in "changed".
// Between them, up to 5 times a second, "levels" messages (asked for with levels=true) carry each participant's
// audio level (0..1). The user's ring-stream messages come too; "moved" (this user's participant went on in another
// call) goes to handlers.moved, the others are not this call's roster and are skipped.

export function openRoster(callId, token, handlers) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(scheme + '//' + location.host + '/client/v1/calls/' + encodeURIComponent(callId)
    + '/roster?levels=true&access_token=' + encodeURIComponent(token));
  ws.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.type === 'levels') {
      handlers.levels(m.levels || {});
      return;
    }
    if (m.type === 'moved') { // this user's participant went on in another call (the ring stream's message)
      if (handlers.moved) handlers.moved(m);
      return;
    }
    if (m.type !== 'roster' && m.type !== 'ended') return; // the user's other ring-stream messages: not this roster
    handlers.roster(m.participants || [], m.type === 'ended', m.movedTo || null, m.changed || []);
  };
  ws.onclose = e => handlers.closed(e.code, ws);
  return ws;
}

/** What the page shows of one participant: name, and mute as "muted by the server" distinct from self-mute. */
export function describe(p) {
  const identity = (p.info && p.info.identity) || {};
  const who = identity.user || identity.application || identity.applicationInstance || identity.guest || identity.phone || {};
  const serverMuted = (p.mediaStreams || []).some(s => s.serverMuted);
  return {id: p.id, name: who.displayName || who.id || 'participant', userId: identity.user ? identity.user.id : null,
    serverMuted, selfMuted: p.isMuted && !serverMuted,
    state: serverMuted ? 'muted by the server' : p.isMuted ? 'muted' : 'live'};
}
