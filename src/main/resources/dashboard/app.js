// The dashboard: hash routes #/ (calls), #/call/{id} (one call), #/server (numbers), and the sign-in form.
import { ApiError, Feed, call, signIn, token } from './api.js';
import { age, el, resultInfo, short, sparkline, time } from './views.js';

const main = document.getElementById('main');
const errorBox = document.getElementById('error');
const who = document.getElementById('who');
const live = document.getElementById('live');
const signOut = document.getElementById('signout');
const HISTORY = 180; // server samples kept for sparklines: 3 minutes at one a second

let feed = null;
let page = null; // { kind, update(event, data), tick() }
const history = new Map();
const filters = { app: '', tenant: '', state: '' };
// The feed sends each topic's whole state once ("reset": true), then only what changed (docs/admin-api.md).
let serverValues = {};
let skew = 0; // server clock minus this browser's, from the feed's "at"
const serverNow = () => Date.now() + skew;

function showError(message) {
  errorBox.hidden = !message;
  errorBox.textContent = message || '';
}

function refused(e) {
  showError('Access refused: ' + e.message);
  if (e.status === 401) token.clear();
  stopFeed();
  renderSignIn();
}

function stopFeed() {
  if (feed) feed.stop();
  feed = null;
  live.classList.remove('on');
}

function startFeed(callId) {
  stopFeed();
  feed = new Feed(callId, (name, data) => {
    if (data.at && !data.reset) skew = Date.parse(data.at) - Date.now(); // a reset frame may be older than its state
    if (name === 'server') serverValues = merge(data.reset ? {} : serverValues, data.values);
    if (page) page.update(name, data);
  }, feedState, refused);
}

let feedProblem = null; // the message shown while the feed is refused (e.g. 503: too many feeds)

/** The live dot, and why the feed is down when the server said so; the message goes once the feed is back. */
function feedState(on, problem) {
  live.classList.toggle('on', on);
  if (problem) {
    feedProblem = 'Live feed unavailable: ' + problem.message + ' Trying again.';
    showError(feedProblem);
  } else if (on && feedProblem) {
    if (errorBox.textContent === feedProblem) showError('');
    feedProblem = null;
  }
}

/** Applies a FIELDS frame's values to an object: a null value removes the field. */
function merge(target, values) {
  for (const [k, v] of Object.entries(values || {})) {
    if (v === null) delete target[k]; else target[k] = v;
  }
  return target;
}

/** Applies an ITEMS frame (reset, upsert, remove) to a Map by id. */
function apply(map, data) {
  if (data.reset) map.clear();
  for (const item of data.upsert || []) map.set(item.id, item);
  for (const id of data.remove || []) map.delete(id);
  return map;
}

/** A call's age in seconds from its createdAt (and endedAt), on the server's clock. */
function ageOf(c) {
  if (!c.createdAt) return undefined;
  const end = c.endedAt ? Date.parse(c.endedAt) : serverNow();
  return Math.max(0, Math.floor((end - Date.parse(c.createdAt)) / 1000));
}

// Once a second: a sample of the numbers for the sparklines, and the page's clocks (ages) move on.
setInterval(() => {
  if (feed && Object.keys(serverValues).length) remember(serverValues);
  if (page && page.tick) page.tick();
}, 1000);

function remember(values) {
  for (const [k, v] of Object.entries(values)) {
    const h = history.get(k) || [];
    h.push(v);
    if (h.length > HISTORY) h.shift();
    history.set(k, h);
  }
}

async function route() {
  showError('');
  if (!token.get()) { renderSignIn(); return; }
  try {
    const me = await call('GET', '/me');
    who.textContent = `${me.displayName || me.username} (${me.scope === 'allTenants' ? 'all tenants' : 'tenant ' + me.scopeTenantId})`;
    signOut.hidden = false;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { refused(e); return; }
    showError(e.message);
    return;
  }
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/call\/(.+)$/);
  if (m) renderCall(decodeURIComponent(m[1]));
  else if (hash === '#/server') renderServer();
  else renderCalls();
}

function renderSignIn() {
  stopFeed();
  who.textContent = '';
  signOut.hidden = true;
  page = null;
  const user = el('input', { id: 'username', name: 'username', autocomplete: 'username', placeholder: 'user name', required: true });
  const pass = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', placeholder: 'password', required: true });
  const form = el('form', { class: 'signin', id: 'signin', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await signIn(user.value, pass.value);
      showError('');
      route();
    } catch (e) {
      showError('Access refused: ' + e.message);
    }
  } }, el('h1', {}, 'Administrator sign-in'), user, pass, el('button', { type: 'submit', id: 'signin-button' }, 'Sign in'));
  main.replaceChildren(form);
}

// ---- calls list ---------------------------------------------------------------------------------------------------

function renderCalls() {
  const body = el('tbody', { id: 'calls' });
  const input = (key, placeholder) => el('input', { id: 'filter-' + key, placeholder, value: filters[key],
    oninput: (e) => { filters[key] = e.target.value.trim(); draw(); } });
  const state = el('select', { id: 'filter-state', onchange: (e) => { filters.state = e.target.value; draw(); } },
    ...['', 'live', 'establishing', 'established', 'terminated'].map((s) => el('option', { value: s, selected: s === filters.state }, s || 'any state')));
  const calls = new Map();
  let received = false;
  const order = (a, b) => {
    const endedA = a.state === 'terminated', endedB = b.state === 'terminated';
    if (endedA !== endedB) return endedA ? 1 : -1; // live calls, oldest first, then ended ones, newest first
    if (endedA) return (b.endedAt || '').localeCompare(a.endedAt || '');
    return (a.createdAt || '').localeCompare(b.createdAt || '') || a.id.localeCompare(b.id);
  };
  const draw = () => {
    if (!received) return;
    const rows = [...calls.values()].sort(order).filter((c) => (!filters.app || (c.appId || '').includes(filters.app))
      && (!filters.tenant || (c.tenantId || '').includes(filters.tenant))
      && (!filters.state || c.state === filters.state || (filters.state === 'live' && c.state !== 'terminated')));
    body.replaceChildren(...rows.map((c) => el('tr', { 'data-call-id': c.id, class: 'call-row' },
      el('td', {}, el('a', { href: '#/call/' + encodeURIComponent(c.id) }, short(c.id))),
      el('td', {}, short(c.tenantId)), el('td', {}, short(c.appId)),
      el('td', {}, (c.kind || '') + (c.direction ? ' · ' + c.direction : '')),
      el('td', { class: 'state state-' + c.state }, c.state),
      el('td', { class: 'num age', 'data-created': c.createdAt, 'data-ended': c.endedAt }, age(ageOf(c))),
      el('td', { class: 'num participants' }, c.participantCount),
      el('td', {}, c.mediaMode || ''),
      el('td', { class: 'result' }, resultInfo(c.resultInfo)))));
    if (!rows.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No calls.')));
  };
  main.replaceChildren(el('h1', {}, 'Calls'),
    el('div', { class: 'filters' }, input('app', 'app id'), input('tenant', 'tenant id'), state),
    el('table', {}, el('thead', {}, el('tr', {}, ...['call', 'tenant', 'app', 'kind', 'state', 'age', 'participants', 'media', 'resultInfo']
      .map((h) => el('th', { class: ['age', 'participants'].includes(h) ? 'num' : '' }, h)))), body),
    el('p', { class: 'muted', id: 'retention' }));
  page = { kind: 'calls', update: (name, data) => {
    if (name !== 'calls') return;
    apply(calls, data);
    received = true;
    document.getElementById('retention').textContent =
      `Ended calls stay listed for ${Math.round(data.endedRetentionSeconds / 60)} minutes.`;
    draw();
  }, tick: () => {
    for (const td of body.querySelectorAll('td.age')) {
      td.textContent = age(ageOf({ createdAt: td.dataset.created, endedAt: td.dataset.ended }));
    }
  } };
  startFeed(null);
}

// ---- one call -----------------------------------------------------------------------------------------------------

function renderCall(callId) {
  const head = el('div', { id: 'call-head' });
  const roster = el('tbody', { id: 'roster' });
  const ops = el('tbody', { id: 'operations' });
  const deliveries = el('tbody', { id: 'deliveries' });
  const bodyView = el('pre', { class: 'body', id: 'delivery-body', hidden: true });
  const endButton = el('button', { class: 'danger', id: 'end-call', onclick: () => {
    if (endButton.dataset.armed) { act('POST', `/calls/${encodeURIComponent(callId)}/end`); return; }
    endButton.dataset.armed = '1';
    endButton.textContent = 'Click again to end the call';
    setTimeout(() => { delete endButton.dataset.armed; endButton.textContent = 'End call'; }, 4000);
  } }, 'End call');
  const signatures = {};
  let state = {};
  const levels = new Map();
  const changed = (key, value) => {
    const s = JSON.stringify(value);
    if (signatures[key] === s) return false;
    signatures[key] = s;
    return true;
  };

  main.replaceChildren(el('p', {}, el('a', { href: '#/' }, '← calls')), head,
    el('div', { class: 'actions', id: 'call-actions', hidden: true }, endButton, ' ', // shown once the call is known live
      el('a', { href: '/join/' + encodeURIComponent(callId), target: '_blank', id: 'join-link' }, 'Join as a user')),
    el('h2', {}, 'Roster'),
    el('table', {}, el('thead', {}, el('tr', {}, ...['participant', 'identity', 'leg', 'codec', 'mute', 'level', 'in', 'out',
      'drops', 'jitter', 'actions'].map((h) => el('th', { class: ['in', 'out', 'jitter'].includes(h) ? 'num' : '' }, h)))), roster),
    el('h2', {}, 'Operations'),
    el('table', {}, el('thead', {}, el('tr', {}, ...['operation', 'type', 'status', 'clientContext', 'time'].map((h) => el('th', {}, h)))), ops),
    el('h2', {}, 'Webhook deliveries'),
    el('table', {}, el('thead', {}, el('tr', {}, ...['#', 'carries', 'state', 'status', 'latency', 'attempts', 'next attempt', 'last error', 'time', ''].map((h) => el('th', {}, h)))), deliveries),
    bodyView);

  async function act(method, path) {
    try { await call(method, path); showError(''); } catch (e) { showError(e.message); }
  }

  function drawCall(c) {
    if (changed('head', [c.state, c.participantCount, c.resultInfo, c.createdAt, c.endedAt])) {
      head.replaceChildren(el('h1', {}, 'Call ', el('code', { id: 'call-id' }, c.id)),
        el('p', {}, el('span', { class: 'state state-' + c.state, id: 'call-state' }, c.state), ' · ', c.kind || '', ' · ',
          c.mediaMode || '', ' · tenant ', short(c.tenantId), ' · app ', short(c.appId), ' · ',
          el('span', { id: 'call-age' }, age(ageOf(c))),
          c.resultInfo ? el('span', { id: 'call-result' }, ' · ended: ' + resultInfo(c.resultInfo)) : ''));
      document.getElementById('call-actions').hidden = c.state === 'terminated'; // an ended call can be neither ended nor joined
    }
    const participants = c.participants || [];
    const structure = participants.map((p) => [p.id, p.displayName, p.identityKind, p.legType, p.codec, p.serverMuted, p.clientMuted, p.isBot]);
    if (changed('roster', structure)) {
      roster.replaceChildren(...participants.map((p) => el('tr', { 'data-participant-id': p.id, class: 'participant' },
        el('td', {}, short(p.id)),
        el('td', {}, p.displayName || p.identityId, el('div', { class: 'muted' }, p.identityKind + (p.isBot ? ' (this call\'s bot)' : ''))),
        el('td', { class: 'leg' }, { rtp: 'RTP', webrtc: 'WebRTC', serverBot: 'server-side bot', none: '—' }[p.legType] || p.legType),
        el('td', {}, p.codec || ''),
        el('td', { class: 'mute' },
          p.serverMuted ? el('span', { class: 'flag server server-mute' }, 'muted by the server') : '',
          p.clientMuted ? el('span', { class: 'flag client client-mute' }, 'muted by the participant') : '',
          !p.serverMuted && !p.clientMuted ? el('span', { class: 'muted' }, 'unmuted') : ''),
        el('td', {}, el('span', { class: 'meter' }, el('span', { class: 'level' }))),
        el('td', { class: 'num packets-in' }), el('td', { class: 'num packets-out' }), el('td', { class: 'drops mono' }),
        el('td', { class: 'num jitter' }),
        el('td', { class: 'actions' },
          p.serverMuted
            ? el('button', { 'data-action': 'unmute', onclick: () => act('POST', `/calls/${encodeURIComponent(c.id)}/participants/${encodeURIComponent(p.id)}/unmute`) }, 'Unmute')
            : el('button', { 'data-action': 'mute', onclick: () => act('POST', `/calls/${encodeURIComponent(c.id)}/participants/${encodeURIComponent(p.id)}/mute`) }, 'Mute'),
          p.isBot ? '' : el('button', { 'data-action': 'remove', onclick: () => act('DELETE', `/calls/${encodeURIComponent(c.id)}/participants/${encodeURIComponent(p.id)}`) }, 'Remove')))));
      if (!participants.length) roster.replaceChildren(el('tr', {}, el('td', { colspan: 11, class: 'muted' }, 'Nobody.')));
    }
    drawLevels(levels.values());
    if (changed('ops', c.operations)) {
      ops.replaceChildren(...(c.operations || []).map((o) => el('tr', { 'data-operation-id': o.id },
        el('td', {}, short(o.id)), el('td', {}, o.type), el('td', {}, o.status), el('td', {}, o.clientContext || ''), el('td', {}, time(o.createdAt)))));
    }
    if (changed('deliveries', c.deliveries)) {
      deliveries.replaceChildren(...(c.deliveries || []).map((d) => el('tr', { 'data-notification-id': d.notificationId, class: 'delivery' },
        el('td', { class: 'num' }, d.sequence), el('td', {}, d.kinds.join(', ')),
        el('td', { class: 'delivery-state state-' + d.state }, { delivered: 'delivered', retrying: 'retrying', givenUp: 'given up' }[d.state]),
        el('td', { class: 'num' }, d.statusCode ?? '—'), el('td', { class: 'num' }, d.latencyMillis !== undefined ? d.latencyMillis + ' ms' : '—'),
        el('td', { class: 'num' }, d.attempts),
        el('td', { class: 'next-attempt' }, d.nextAttemptAt ? time(d.nextAttemptAt) : ''),
        el('td', { class: 'last-error' }, d.lastError || ''), el('td', {}, time(d.at)),
        el('td', {}, el('button', { onclick: async () => {
          try {
            const text = await call('GET', `/calls/${encodeURIComponent(c.id)}/deliveries/${encodeURIComponent(d.notificationId)}`);
            bodyView.hidden = false;
            bodyView.textContent = typeof text === 'string' ? text : JSON.stringify(text, null, 2);
          } catch (e) { showError(e.message); }
        } }, 'Body')))));
    }
  }

  function drawLevels(readings) {
    for (const r of readings) {
      const row = roster.querySelector(`tr[data-participant-id="${CSS.escape(r.id)}"]`);
      if (!row || r.level === undefined) continue;
      const bar = row.querySelector('.level');
      bar.style.width = Math.min(100, Math.round(Math.sqrt(r.level) * 100)) + '%';
      bar.dataset.level = r.level;
      row.querySelector('.packets-in').textContent = r.packetsIn;
      row.querySelector('.packets-out').textContent = r.packetsOut;
      row.querySelector('.jitter').textContent = r.jitterBuffered;
      const drops = Object.entries(r.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
      row.querySelector('.drops').textContent = drops || '0';
    }
  }

  page = { kind: 'call', update: (name, data) => {
    if (name === 'call') {
      state = merge(data.reset ? {} : state, data.values);
      drawCall(state);
    } else if (name === 'levels') {
      apply(levels, data);
      drawLevels(data.reset ? levels.values() : data.upsert);
    } else if (name === 'gone') {
      document.getElementById('call-actions').hidden = true;
      showError('The call is no longer live and not among the ended calls kept.');
    }
  }, tick: () => {
    const span = document.getElementById('call-age');
    if (span && state.createdAt) span.textContent = age(ageOf(state));
  } };
  startFeed(callId);
}

// ---- server numbers ------------------------------------------------------------------------------------------------

function renderServer() {
  const grid = el('div', { class: 'grid', id: 'server' });
  main.replaceChildren(el('h1', {}, 'Server'), el('p', { class: 'muted' }, 'The numbers of /metrics, with the last minutes since this page opened.'), grid);
  const draw = () => {
    grid.replaceChildren(...Object.entries(serverValues).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => el('div', { class: 'card', 'data-metric': k },
      el('div', { class: 'k' }, k), el('div', { class: 'v' }, Number.isInteger(v) ? v : v.toFixed(2)), sparkline(history.get(k) || []))));
  };
  page = { kind: 'server', update: (name) => { if (name === 'server') draw(); }, tick: draw };
  draw();
  startFeed(null);
}

signOut.addEventListener('click', () => { token.clear(); showError(''); renderSignIn(); });
window.addEventListener('hashchange', route);
route();
