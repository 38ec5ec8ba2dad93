// A minimal calling bot on the official JavaScript SDKs, pointed at Switchboard: only the authority and the Graph
// base URL differ from a bot written for Microsoft Graph.
//   1. a webhook receiver that verifies every notification (RS256 token from the Bot Framework-style JWKS, issuer,
//      audience = this bot, each reused token checked once; the body by its HMAC under the app's notification key)
//      and refuses the rest with 401;
//   2. an app token with MSAL Node (client credentials);
//   3. a group call created with the Graph client v3, inviting two users;
//   4. waits for a participant (a roster notification), mutes it, waits until the roster shows it muted;
//   5. hangs up.
// Run:  NODE_EXTRA_CA_CERTS=<data dir>/tls/ca.pem node bot.js     (see README.md for every setting)
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');
const msal = require('@azure/msal-node');
const { Client } = require('@microsoft/microsoft-graph-client');
const jwt = require('jsonwebtoken');
const jwksRsa = require('jwks-rsa');

const BASE = process.env.SWITCHBOARD_URL || 'https://localhost:8443';
const TENANT = process.env.SWITCHBOARD_TENANT || '00000000-0000-4000-8000-000000000001';
const BOT_ID = process.env.BOT_ID || '00000000-0000-4000-8000-00000000b071';
const BOT_SECRET = process.env.BOT_SECRET || 'dev-bot-secret';
// two or more users make a group call (one target alone is a peer-to-peer call, whose roster bots do not get)
const INVITE = (process.env.INVITE_USER_IDS || '00000000-0000-4000-8000-0000000a11ce,00000000-0000-4000-8000-000000000b0b').split(',');
const CALLBACK_HOST = process.env.CALLBACK_HOST || '127.0.0.1';
const CALLBACK_PORT = Number(process.env.CALLBACK_PORT || 0);
const TIMEOUT_MS = Number(process.env.TIMEOUT_SECONDS || 300) * 1000;
const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

const log = (...a) => console.log('[js-bot]', ...a);

// ---- 1. webhooks, verified as a Bot Framework bot verifies Graph's ----
const jwks = jwksRsa({ jwksUri: `${BASE}/botframework/v1/.well-known/keys`, cache: true });
const signingKey = (header, cb) => jwks.getSigningKey(header.kid, (err, key) => cb(err, key && key.getPublicKey()));
const waiting = []; // { test(notification) -> value|undefined, resolve }
let verified = 0;

// The app's MSAL client: its token calls the Graph API and fetches the notification key
const app = new msal.ConfidentialClientApplication({
  auth: { clientId: BOT_ID, clientSecret: BOT_SECRET, authority: `${BASE}/${TENANT}`, knownAuthorities: [new URL(BASE).host] },
});
const token = async () => (await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })).accessToken;

// Switchboard's body signature (Graph has none): X-Switchboard-Signature: kid=<kid>, v1=<base64 HMAC-SHA256> over
// "v1\n" + notification id + "\n" + sequence + "\n" + the exact body, under this app's notification key, fetched
// with the app's own token (again when a POST names a key id not seen yet)
let notificationKey;
async function keyFor(kid) {
  if (!notificationKey || notificationKey.kid !== kid) {
    const res = await fetch(`${BASE}/${TENANT}/switchboard/v1/notification-keys`, { headers: { authorization: `Bearer ${await token()}` } });
    if (!res.ok) throw new Error(`notification key endpoint answered ${res.status}`);
    const [k] = (await res.json()).keys;
    notificationKey = { kid: k.kid, secret: Buffer.from(k.k, 'base64url') };
  }
  return notificationKey.kid === kid ? notificationKey.secret : undefined;
}

const verifiedTokens = new Map(); // the server reuses one token per bot for minutes: check each token once
async function verify(headers, body) {
  const authorization = headers.authorization;
  if (!authorization || !authorization.startsWith('Bearer ')) throw new Error('no bearer token');
  const raw = authorization.slice(7);
  const known = verifiedTokens.get(raw);
  if (!known || known.exp * 1000 < Date.now()) {
    const claims = await new Promise((resolve, reject) => jwt.verify(raw, signingKey,
      { algorithms: ['RS256'], issuer: BOT_FRAMEWORK_ISSUER, audience: BOT_ID }, (err, c) => (err ? reject(err) : resolve(c))));
    if (verifiedTokens.size > 100) verifiedTokens.clear();
    verifiedTokens.set(raw, claims);
  }
  const parts = Object.fromEntries(String(headers['x-switchboard-signature'] || '').split(',').map((p) => {
    const t = p.trim(); const i = t.indexOf('='); return [t.slice(0, i), t.slice(i + 1)];
  }));
  const secret = await keyFor(parts.kid);
  if (!secret) throw new Error('unknown notification key');
  const mac = crypto.createHmac('sha256', secret)
    .update(`v1\n${headers['x-switchboard-notification-id']}\n${headers['x-switchboard-sequence']}\n`).update(body).digest();
  const given = Buffer.from(parts.v1 || '', 'base64');
  if (given.length !== mac.length || !crypto.timingSafeEqual(given, mac)) throw new Error('body signature mismatch');
}

const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    try {
      await verify(req.headers, body);
    } catch (e) {
      log('refused a notification:', e.message);
      res.writeHead(401).end();
      return;
    }
    res.writeHead(202).end();
    verified += 1;
    for (const n of JSON.parse(body.toString('utf8')).value || []) {
      log('notification', n.changeType, n.resourceUrl, Array.isArray(n.resourceData) ? `(${n.resourceData.length} participants)` : (n.resourceData && n.resourceData.state) || '');
      for (const w of waiting.slice()) {
        const v = w.test(n);
        if (v !== undefined) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(v);
        }
      }
    }
  });
});

function next(test, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
    waiting.push({ test, resolve: (v) => { clearTimeout(timer); resolve(v); } });
  });
}

/** A roster notification's participant that is a user (not the bot), matching `also`. */
const userParticipant = (also) => (n) => {
  if (!String(n.resourceUrl).endsWith('/participants') || !Array.isArray(n.resourceData)) return undefined;
  return n.resourceData.find((p) => p.info && p.info.identity && p.info.identity.user && also(p));
};

async function main() {
  await new Promise((r) => receiver.listen(CALLBACK_PORT, CALLBACK_HOST, r));
  const callbackUri = process.env.CALLBACK_URI || `http://${CALLBACK_HOST}:${receiver.address().port}/callback`;
  log('webhooks at', callbackUri);

  // ---- 2. a token: the authority is Switchboard's, knownAuthorities skips Microsoft's instance discovery ----
  // (the MSAL app is made above: its token also fetches the notification key)

  // ---- 3. the Graph client v3: https + customHosts, or it never sends the token ----
  const graph = Client.initWithMiddleware({
    baseUrl: `${BASE}/`,
    customHosts: new Set([new URL(BASE).hostname]),
    authProvider: { getAccessToken: token },
  });
  const call = await graph.api('/communications/calls').post({
    '@odata.type': '#microsoft.graph.call',
    callbackUri,
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    targets: INVITE.map((id) => ({ identity: { user: { id } } })),
  });
  log('call', call.id); // a participant joins it (a user answering the invitation, or the client API)

  // ---- 4. wait for a participant, mute it, see it muted ----
  const joined = await next(userParticipant(() => true), 'a participant');
  log('participant', joined.id, joined.info.identity.user.displayName || joined.info.identity.user.id);
  const mutedSeen = next(userParticipant((p) => p.id === joined.id && p.isMuted === true), 'the participant muted');
  const op = await graph.api(`/communications/calls/${call.id}/participants/${joined.id}/mute`)
    .post({ clientContext: 'js-bot-mute' });
  log('mute operation', op.id, op.status);
  await mutedSeen;
  log('muted', joined.id);

  // ---- 5. hang up, and hear the call end (a bot that leaves at once may miss its last notification) ----
  const ended = next((n) => (n.changeType === 'deleted' && String(n.resourceUrl).endsWith(`/calls/${call.id}`)
    ? n : undefined), 'the call terminated');
  await graph.api(`/communications/calls/${call.id}`).delete();
  await ended;
  log('terminated', call.id);
  log('done; notifications verified:', verified);
}

main().then(() => { receiver.close(); process.exit(0); }, (e) => { console.error('[js-bot] failed:', e); process.exit(1); });
