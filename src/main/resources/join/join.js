// The join page: sign in, allow the microphone, join, then the live roster with mute states, the level meters,
// self-mute and leave. window.switchboardJoin exposes the page's state (tests and curious developers read it).
import {currentToken, finishSignIn, signOut, startSignIn} from './auth.js';
import {CallError, CallLeg, findMeeting, microphone} from './call.js';
import {LevelMeter} from './meter.js';
import {describe, openRoster} from './roster.js';

const $ = id => document.getElementById(id);
const page = {phase: 'loading', participantId: null, roster: [], error: null, selfMuted: false,
  tone: () => null, callLevel: () => null, selfLevel: () => null, levels: {}, levelMessages: 0};
window.switchboardJoin = page;

let signIn = null;
let leg = null;
let roster = null;
let audioCtx = null;
let mic = null;
let meterTimer = null;
let leaving = false;
let meetingCallId = null; // the call a /join?meeting= link resolved to
let movedCallId = null;   // the call this participant was moved to (a consultative transfer, a replacing invitation)
let rosterRetry = null;   // the timer that opens a dropped roster stream again
let rosterDelay = 1000;   // how long until then: doubles per failed try, up to 15 s; back to 1 s once a roster comes
let joining = false;      // a join is under way: another click (a double click) must not start a second one
let rosterLost = false;   // the roster stream dropped and the page says so until a roster comes again
const rosterHandlers = {roster: rosterChanged, levels: levelsChanged, closed: rosterClosed, moved: followMove};

function show(panel) {
  for (const id of ['signin-panel', 'join-panel', 'call-panel', 'left-panel']) $(id).hidden = id !== panel;
}

function status(text, phase) {
  $('status').textContent = text;
  if (phase) page.phase = phase;
}

function error(message) {
  page.error = message;
  $('error').textContent = message || '';
  $('error').hidden = !message;
}

/** The call id of a /join/{callId} link, or null. */
function pathCallId() {
  const parts = location.pathname.split('/').filter(Boolean);
  return parts.length === 2 && parts[0] === 'join' ? decodeURIComponent(parts[1]) : null;
}

function callId() {
  return movedCallId || pathCallId() || meetingCallId;
}

/** The meeting id of a /join?meeting=<joinMeetingId> link, or null. */
function meetingId() {
  return pathCallId() ? null : new URLSearchParams(location.search).get('meeting');
}

function noCall() {
  status('Open the join link of a call: /join/{callId}, or /join?meeting={joinMeetingId}.', 'no-call');
}

async function start() {
  const query = new URLSearchParams(location.search);
  const signingIn = query.has('code') || query.has('error'); // back from the sign-in page: the link's query comes back after
  if (!callId() && !meetingId() && !signingIn) {
    return noCall();
  }
  signIn = (await (await fetch('/join/config.json')).json()).signIn;
  if (!signIn) {
    status('This server has no public client app to sign people in with (see docs/join-page.md).', 'no-sign-in');
    return;
  }
  let token = null;
  try {
    token = await finishSignIn(signIn) || currentToken();
  } catch (e) {
    error(e.message);
  }
  const id = callId();
  const meeting = meetingId();
  if (!id && !meeting) {
    return noCall();
  }
  $('call-line').textContent = id ? 'Call ' + id : 'Meeting ' + meeting;
  token ? ready(token) : signedOut();
}

function signedOut() {
  show('signin-panel');
  status('Not signed in.', 'signed-out');
}

async function ready(token) {
  const meeting = meetingId();
  if (meeting && !meetingCallId) {
    status('Finding the meeting…', 'finding');
    try {
      meetingCallId = await findMeeting(meeting, new URLSearchParams(location.search).get('passcode'), token.accessToken);
    } catch (e) {
      if (e.status === 401) {
        signOut();
        return signedOut();
      }
      show(null);
      error(e.message);
      status(e.status === 404 ? 'Call not found.' : 'Not in the call.', e.status === 404 ? 'not-found' : 'failed');
      return;
    }
    $('call-line').textContent = 'Call ' + meetingCallId + ' (meeting ' + meeting + ')';
  }
  show('join-panel');
  $('who').textContent = 'Signed in as ' + token.name + '.';
  status('Ready to join.', 'ready');
}

async function join() {
  if (joining || leg) return; // one leg and one roster stream at a time; Reconnect drops the old leg first
  const token = currentToken();
  if (!token) return signedOut();
  joining = true;
  for (const id of ['join', 'rejoin', 'retry']) $(id).disabled = true;
  try {
    await joinWith(token);
  } finally {
    joining = false;
    for (const id of ['join', 'rejoin', 'retry']) $(id).disabled = false;
  }
}

async function joinWith(token) {
  error(null);
  status('Opening the microphone…', 'joining');
  try {
    mic = mic || await microphone();
    audioCtx = audioCtx || new AudioContext();
    await audioCtx.resume();
    const self = new LevelMeter(audioCtx, mic);
    page.selfLevel = () => self.level();
    status('Joining…', 'joining');
    leg = new CallLeg(callId(), token.accessToken, mic, {track: heard, state: connection});
    await leg.join();
    page.participantId = leg.participantId;
    page.selfMuted = false;
    $('mute').textContent = 'Mute';
    $('mute').setAttribute('aria-pressed', 'false');
    show('call-panel');
    roster = openRoster(callId(), token.accessToken, rosterHandlers);
    meterTimer = meterTimer || setInterval(meters, 100);
  } catch (e) {
    leg = null;
    if (e.status === 401) {
      error(e.message);
      status('Not signed in.', 'failed');
      signOut();
      signedOut();
      return;
    }
    await ready(token); // the Join button again, to try once more; the status says why it is there
    error(e.message);
    status('Not in the call.', 'failed');
  }
}

function heard(stream) {
  const el = $('remote');
  el.srcObject = stream; // Chromium pulls a remote track only into a playing element
  el.play().catch(() => {});
  const call = new LevelMeter(audioCtx, stream);
  page.callLevel = () => call.level();
  page.tone = hz => call.tone(hz);
}

function connection(state) {
  page.connection = state;
  if (state === 'connected') {
    error(null);
    $('retry').hidden = true;
    status('In the call.', 'joined');
    if (rosterLost && !roster && !rosterRetry) reopenRoster(); // it dropped while the connection was down
  } else if ((state === 'failed' || state === 'disconnected') && !leaving) {
    error('The connection was lost.');
    $('retry').hidden = false;
    status('Connection lost.', 'lost');
  }
}

function rosterChanged(participants, ended, movedTo, changed) {
  rosterDelay = 1000;
  if (rosterLost) {
    rosterLost = false;
    error(null);
  }
  if (ended && movedTo) return moved(movedTo);
  const mine = (changed || []).find(c => c.id === page.participantId && c.movedTo);
  if (mine) return moved(mine.movedTo);   // transferred out of a call that goes on
  page.roster = participants.filter(p => !p.removedState).map(describe);
  const list = $('roster');
  list.replaceChildren(...page.roster.map(p => {
    const li = document.createElement('li');
    li.dataset.participantId = p.id;
    const me = p.id === page.participantId;
    if (me) li.classList.add('me');
    const name = document.createElement('span');
    name.textContent = p.name + (me ? ' (you)' : '');
    const badge = document.createElement('span');
    badge.className = 'badge ' + (p.serverMuted ? 'server-muted' : p.selfMuted ? 'self-muted' : 'live');
    badge.textContent = p.state;
    const level = document.createElement('meter');
    level.className = 'level';
    level.min = 0;
    level.max = 1;
    level.value = shown(page.levels[p.id]);
    level.title = 'audio level';
    li.append(name, level, badge);
    return li;
  }));
  const me = page.roster.find(p => p.id === page.participantId);
  page.serverMuted = !!(me && me.serverMuted);
  $('server-muted').hidden = !page.serverMuted;
  if (ended) {
    finish('The call has ended.', false); // joining it again could only fail
  } else if (page.phase === 'joined' && page.participantId && !me && page.roster.length > 0) {
    finish('You were removed from the call.', true);
  }
}

/**
 * Another call replaced this one, or this participant was transferred out of it: the same leg and participant go on
 * in call {@code id}; follow its roster.
 */
function moved(id) {
  if (id === page.callId) return; // told twice: by the roster and by the ring stream's message
  movedCallId = id;
  page.callId = id;
  page.moves = (page.moves || 0) + 1;
  leg.movedTo(id);
  $('call-line').textContent = 'Call ' + id + ' (moved)';
  const old = roster;
  roster = openRoster(id, currentToken().accessToken, rosterHandlers);
  if (old) { // its close is the move, not a problem; a call that goes on would keep sending its roster
    old.onclose = null;
    old.onmessage = null;
    old.close();
  }
}

/** The ring stream's "moved", relayed on the roster stream: follow when it is this page's participant. */
function followMove(m) {
  if (m.participantId === page.participantId && m.callId) moved(m.callId);
}

/** The server's levels (0..1 of full scale) per participant: what each one sends, after mute (muted = 0). */
function levelsChanged(levels) {
  page.levels = levels;
  page.levelMessages++;
  for (const li of $('roster').children) {
    li.querySelector('meter.level').value = shown(levels[li.dataset.participantId]);
  }
}

/** A level (0..1 of full scale) as the meter shows it: 60 dB of range, so a quiet voice still shows; silence is 0. */
function shown(level) {
  return level > 0 ? Math.max(0, 1 + 20 * Math.log10(level) / 60) : 0;
}

/**
 * The roster stream closed without the call ending (a network blip, a proxy, a reader too slow): while in the call,
 * open it again after a pause (each roster message is the whole roster, so nothing is lost). A close the page asked for
 * (leave, reconnect, a move) is of a socket that is no longer {@code roster}, and is ignored.
 */
function rosterClosed(code, ws) {
  if (ws !== roster || !leg || leaving || page.phase === 'left') return;
  roster = null;
  rosterLost = true;
  error('The roster stream closed (' + code + '); opening it again…');
  clearTimeout(rosterRetry);
  rosterRetry = setTimeout(reopenRoster, rosterDelay);
  rosterDelay = Math.min(rosterDelay * 2, 15000);
}

function reopenRoster() {
  rosterRetry = null;
  if (!leg || roster || page.phase !== 'joined') return; // left, or Reconnect opens it with the new leg
  const token = currentToken();
  if (!token) {
    error('Your sign-in has expired: the roster no longer changes. Leave, sign in again and join.');
    return;
  }
  roster = openRoster(callId(), token.accessToken, rosterHandlers);
}

function meters() {
  const self = page.selfLevel();
  const call = page.callLevel();
  $('meter-self').value = self == null || page.selfMuted ? -90 : self;
  $('meter-call').value = call == null ? -90 : call;
}

async function toggleMute() {
  if (!leg) return;
  const muted = !page.selfMuted;
  try {
    await leg.setMuted(muted);
    page.selfMuted = muted;
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
    $('mute').setAttribute('aria-pressed', String(muted));
  } catch (e) {
    error(e.message);
  }
}

/** Out of the call for the reason in {@code message} (the status line says it); Join again only where it can work. */
function finish(message, canRejoin) {
  leaving = true;
  if (roster) roster.close();
  roster = null;
  if (leg) leg.close();
  leg = null;
  $('rejoin').hidden = !canRejoin;
  show('left-panel');
  status(message, 'left');
  leaving = false;
}

async function leave() {
  leaving = true;
  if (roster) roster.close();
  roster = null;
  const l = leg;
  leg = null;
  if (l) await l.leave();
  $('rejoin').hidden = false;
  show('left-panel');
  status('You left the call.', 'left');
  leaving = false;
}

async function retry() {
  leaving = true;
  if (roster) roster.close();
  roster = null;
  if (leg) leg.close();
  leg = null;
  leaving = false;
  await join(); // the server keeps the participant (same id and mute state) and replaces its leg
}

$('signin').addEventListener('click', () => startSignIn(signIn));
$('signout').addEventListener('click', () => { signOut(); signedOut(); });
$('join').addEventListener('click', join);
$('rejoin').addEventListener('click', join);
$('mute').addEventListener('click', toggleMute);
$('leave').addEventListener('click', leave);
$('retry').addEventListener('click', retry);
window.addEventListener('pagehide', () => { if (leg) leg.close(); }); // the server sees the transport end
start().catch(e => { error(e.message); status('The page failed to start.', 'failed'); });
