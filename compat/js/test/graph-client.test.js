// The official JavaScript clients against a running Switchboard over https, changed only in base URL and authority:
// @azure/msal-node (authority + knownAuthorities), @microsoft/microsoft-graph-client v3 (customHosts), webhook
// verification with jsonwebtoken + jwks-rsa (RS256 only) and with botframework-connector's ChannelValidation.
// Started by the Java test JsClientsCompatTest, which passes the server and identities in SWITCHBOARD_* variables
// and the local CA in NODE_EXTRA_CA_CERTS.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const crypto = require('node:crypto');
const {
  Client, ResponseType, GraphError, BatchRequestContent, BatchResponseContent,
} = require('@microsoft/microsoft-graph-client');
const msal = require('@azure/msal-node');
const jwt = require('jsonwebtoken');
const jwksRsa = require('jwks-rsa');
const { ChannelValidation, SimpleCredentialProvider } = require('botframework-connector');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the Java test JsClientsCompatTest sets it)`);
  return v;
};
const BASE = env('SWITCHBOARD_HTTPS_URL'); // e.g. https://localhost:8443
const HOST = new URL(BASE).host;
const TENANT = env('SWITCHBOARD_TENANT');
const BOT_ID = env('SWITCHBOARD_BOT_ID');
const ALICE_ID = env('SWITCHBOARD_ALICE_ID');
const BOB_ID = env('SWITCHBOARD_BOB_ID');
const CAROL_ID = env('SWITCHBOARD_CAROL_ID');
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
  + 'm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n';

async function appToken(clientId, secret) {
  const app = new msal.ConfidentialClientApplication({
    auth: { clientId, clientSecret: secret, authority: `${BASE}/${TENANT}`, knownAuthorities: [HOST] },
  });
  const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
  return result.accessToken;
}

function graph(token) {
  return Client.initWithMiddleware({
    baseUrl: `${BASE}/`,
    customHosts: new Set([new URL(BASE).hostname]),
    authProvider: { getAccessToken: async () => token },
  });
}

/** The bot's callback endpoint: every POST with its headers and exact body. */
const received = [];
let receiver;
let callbackUri;

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ authorization: req.headers.authorization, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(202).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  callbackUri = `http://127.0.0.1:${receiver.address().port}/callback`;
});

after(() => receiver.close());

async function groupCall(client) {
  return client.api('/communications/calls').post({
    '@odata.type': '#microsoft.graph.call',
    callbackUri,
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    targets: [{ identity: { user: { id: ALICE_ID } } }, { identity: { user: { id: BOB_ID } } }],
  });
}

async function aliceJoins(callId) {
  const form = new URLSearchParams({
    grant_type: 'password', client_id: BOT_ID, client_secret: env('SWITCHBOARD_BOT_SECRET'),
    username: env('SWITCHBOARD_ALICE_USERNAME'), password: env('SWITCHBOARD_ALICE_PASSWORD'),
    scope: 'https://graph.microsoft.com/.default',
  });
  const t = await fetch(`${BASE}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body: form });
  assert.equal(t.status, 200);
  const userToken = (await t.json()).access_token;
  const r = await fetch(`${BASE}/client/v1/calls/${callId}/participants`, {
    method: 'POST', headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/sdp' }, body: OFFER,
  });
  assert.equal(r.status, 201, await r.clone().text());
  return r.headers.get('location').split('/').pop();
}

async function graphError(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof GraphError, `a GraphError, not ${e}`);
    return e;
  }
  assert.fail('expected a GraphError');
}

test('msal-node gets a token with only the authority and knownAuthorities', async () => {
  const token = await appToken(BOT_ID, env('SWITCHBOARD_BOT_SECRET'));
  const claims = jwt.decode(token);
  assert.equal(claims.iss, `${BASE}/${TENANT}/v2.0`);
  assert.equal(claims.aud, 'https://graph.microsoft.com');
});

test('the v3 client drives a group call: participants, mute family, operations, invite, deletes', async () => {
  const client = graph(await appToken(BOT_ID, env('SWITCHBOARD_BOT_SECRET')));
  const call = await groupCall(client);
  assert.ok(call.id);
  assert.equal(call.state, 'establishing');

  const aliceParticipant = await aliceJoins(call.id);
  const participants = await client.api(`/communications/calls/${call.id}/participants`).get();
  assert.ok(participants.value.some((p) => p.id === aliceParticipant));
  assert.ok(participants.value.some((p) => p.info.identity.user && p.info.identity.user.id === ALICE_ID));

  const muteRaw = await client.api(`/communications/calls/${call.id}/mute`).responseType(ResponseType.RAW)
    .post({ clientContext: 'js-mute' });
  assert.equal(muteRaw.status, 200);
  const mute = await muteRaw.json();
  assert.equal(mute.status, 'Completed');
  assert.equal(mute.clientContext, 'js-mute');
  const location = muteRaw.headers.get('location');
  assert.ok(location.startsWith(`${BASE}/v1.0/communications/calls/${call.id}/operations/`), location);

  // the absolute https Location is followed as it is (the host is a customHost)
  const again = await client.api(location).get();
  assert.equal(again.id, mute.id);
  assert.equal(again.status, 'Completed');
  const byId = await client.api(`/communications/calls/${call.id}/operations/${mute.id}`).get();
  assert.equal(byId.id, mute.id);

  const unmute = await client.api(`/communications/calls/${call.id}/unmute`).post({ clientContext: 'js-unmute' });
  assert.equal(unmute.status, 'Completed');

  const pmute = await client.api(`/communications/calls/${call.id}/participants/${aliceParticipant}/mute`)
    .post({ clientContext: 'js-pmute' });
  assert.equal(pmute.status, 'Completed');
  const alice = await client.api(`/communications/calls/${call.id}/participants/${aliceParticipant}`).get();
  assert.equal(alice.isMuted, true);

  const invite = await client.api(`/communications/calls/${call.id}/participants/invite`).post({
    participants: [{ '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: { user: { id: CAROL_ID } } }],
    clientContext: 'js-invite',
  });
  assert.ok(['Running', 'Completed'].includes(invite.status), invite.status);

  const keepAlive = await client.api(`/communications/calls/${call.id}/keepAlive`).responseType(ResponseType.RAW).post({});
  assert.equal(keepAlive.status, 200);
  assert.equal(keepAlive.headers.get('content-type'), null);
  assert.equal(await keepAlive.text(), '');

  await client.api(`/communications/calls/${call.id}/participants/${aliceParticipant}`).delete();
  const left = await client.api(`/communications/calls/${call.id}/participants`).get();
  assert.ok(!left.value.some((p) => p.id === aliceParticipant));

  await client.api(`/communications/calls/${call.id}`).delete();
  const gone = await graphError(client.api(`/communications/calls/${call.id}`).get());
  assert.equal(gone.statusCode, 404);
});

test('errors arrive as GraphError in Graph shapes: P2P mute, a 257-character clientContext, an unknown id', async () => {
  const p2p = graph(await appToken(env('SWITCHBOARD_P2P_BOT_ID'), env('SWITCHBOARD_P2P_BOT_SECRET')));
  const call = await p2p.api('/communications/calls').post({
    callbackUri,
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    targets: [{ identity: { user: { id: ALICE_ID } } }],
  });
  assert.equal(call.state, 'establishing', 'a P2P call rings until the callee joins');
  const p2pMute = await graphError(p2p.api(`/communications/calls/${call.id}/mute`).post({}));
  assert.equal(p2pMute.statusCode, 400);
  assert.ok(p2pMute.code, 'an error code');
  assert.ok(p2pMute.requestId, 'the request-id of innerError');
  assert.ok(p2pMute.date instanceof Date);
  await p2p.api(`/communications/calls/${call.id}`).delete();

  const client = graph(await appToken(BOT_ID, env('SWITCHBOARD_BOT_SECRET')));
  const group = await groupCall(client);
  const tooLong = await graphError(client.api(`/communications/calls/${group.id}/mute`).post({ clientContext: 'x'.repeat(257) }));
  assert.equal(tooLong.statusCode, 400);
  assert.match(tooLong.message, /clientContext/);
  const unknown = await graphError(client.api('/communications/calls/00000000-0000-0000-0000-000000000000').get());
  assert.equal(unknown.statusCode, 404);
  assert.ok(unknown.code);
  await client.api(`/communications/calls/${group.id}`).delete();
});

test('every notification verifies with jsonwebtoken + jwks-rsa (RS256 only) and botframework-connector, and its body with the bot\'s notification key', async () => {
  // the calls above were deleted: their terminated notifications are the last ones
  const deadline = Date.now() + 60_000;
  while (!received.some((r) => r.body.toString().includes('"deleted"')) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(received.length >= 3, `notifications received: ${received.length}`);

  const jwks = jwksRsa({ jwksUri: `${BASE}/${TENANT}/discovery/v2.0/keys` });
  const getKey = (header, cb) => jwks.getSigningKey(header.kid, (err, key) => cb(err, key && key.getPublicKey()));
  ChannelValidation.OpenIdMetadataEndpoint = `${BASE}/botframework/v1/.well-known/openidconfiguration`;
  const bots = [BOT_ID, env('SWITCHBOARD_P2P_BOT_ID')]; // both bots made calls above
  // each bot fetches its notification key (HMAC-SHA256) with its own app token, as a JWK Set of one 'oct' key
  const keys = {};
  for (const [id, secret] of [[BOT_ID, env('SWITCHBOARD_BOT_SECRET')], [bots[1], env('SWITCHBOARD_P2P_BOT_SECRET')]]) {
    const res = await fetch(`${BASE}/${TENANT}/switchboard/v1/notification-keys`,
      { headers: { authorization: `Bearer ${await appToken(id, secret)}` } });
    assert.equal(res.status, 200);
    const [key] = (await res.json()).keys;
    keys[id] = { kid: key.kid, secret: Buffer.from(key.k, 'base64url') };
  }
  const anonymous = await fetch(`${BASE}/${TENANT}/switchboard/v1/notification-keys`);
  assert.equal(anonymous.status, 401, 'no key without a token');
  // X-Switchboard-Signature: kid=<kid>, v1=base64(HMAC-SHA256(key, "v1\n" + id + "\n" + sequence + "\n" + body))
  const bodySigned = (r, key, body) => {
    const parts = Object.fromEntries(r.headers['x-switchboard-signature'].split(',').map((p) => {
      const s = p.trim(); const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)];
    }));
    const mac = crypto.createHmac('sha256', key.secret)
      .update(`v1\n${r.headers['x-switchboard-notification-id']}\n${r.headers['x-switchboard-sequence']}\n`).update(body).digest();
    const given = Buffer.from(parts.v1 || '', 'base64');
    return parts.kid === key.kid && given.length === mac.length && crypto.timingSafeEqual(given, mac);
  };
  const credentials = { isValidAppId: async (id) => bots.includes(id), isAuthenticationDisabled: async () => false };

  for (const r of received) {
    assert.ok(r.authorization && r.authorization.startsWith('Bearer '));
    const token = r.authorization.slice(7);
    const claims = await new Promise((resolve, reject) => jwt.verify(token, getKey,
      { algorithms: ['RS256'], audience: bots, issuer: 'https://api.botframework.com' },
      (err, c) => (err ? reject(err) : resolve(c))));
    assert.equal(claims.sha256, undefined, 'Graph-shaped: no body claim (the body is signed separately)');
    assert.ok(bodySigned(r, keys[claims.aud], r.body), 'the body, id and sequence are the ones signed');
    const tampered = Buffer.from(r.body); tampered[tampered.length - 3] ^= 1;
    assert.ok(!bodySigned(r, keys[claims.aud], tampered), 'a tampered body is rejected');
    assert.ok(!bodySigned(r, keys[bots.find((b) => b !== claims.aud)], r.body), "another bot's key does not verify it");

    const identity = await ChannelValidation.authenticateChannelToken(r.authorization, credentials, 'msteams');
    assert.equal(identity.getClaimValue('aud'), claims.aud);
  }
  // a forged token fails both
  const forged = jwt.sign({ aud: BOT_ID, iss: 'https://api.botframework.com' }, 'not-the-key', { algorithm: 'HS256' });
  await assert.rejects(ChannelValidation.authenticateChannelToken(`Bearer ${forged}`, new SimpleCredentialProvider(BOT_ID, ''), 'msteams'));
  assert.ok(received.some((r) => jwt.decode(r.authorization.slice(7)).aud === BOT_ID));
  // one token per bot, reused across its POSTs (renewed half way through its 5 min life)
  const botTokens = new Set(received.filter((r) => jwt.decode(r.authorization.slice(7)).aud === BOT_ID).map((r) => r.authorization));
  assert.ok(botTokens.size < received.filter((r) => jwt.decode(r.authorization.slice(7)).aud === BOT_ID).length || botTokens.size === 1,
    `tokens reused: ${botTokens.size} distinct`);
});

test('a JSON batch from the v3 client: absolute request URLs, dependsOn, and each answer as a Response', async () => {
  const client = graph(await appToken(BOT_ID, env('SWITCHBOARD_BOT_SECRET')));
  const call = await groupCall(client);
  const on = `${BASE}/v1.0/communications/calls/${call.id}`;
  const batch = new BatchRequestContent([
    {
      id: 'mute',
      request: new Request(`${on}/mute`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ clientContext: 'js-batch' }),
      }),
    },
    { id: 'list', request: new Request(`${on}/participants`, { method: 'GET' }), dependsOn: ['mute'] },
    {
      id: 'missing',
      request: new Request(`${BASE}/v1.0/communications/calls/00000000-0000-0000-0000-000000000000`),
      dependsOn: ['mute'], // the client allows parallel, serial, or all on the same request
    },
  ]);
  const answer = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()));

  const mute = answer.getResponseById('mute');
  assert.equal(mute.status, 200);
  assert.ok(mute.headers.get('location').startsWith(`${on}/operations/`), mute.headers.get('location'));
  const operation = await mute.json();
  assert.equal(operation.clientContext, 'js-batch');
  assert.equal(operation.status, 'Completed');

  const list = answer.getResponseById('list');
  assert.equal(list.status, 200);
  const bot = (await list.json()).value.find((p) => p.info.identity.application && p.info.identity.application.id === BOT_ID);
  assert.equal(bot.isMuted, true, 'the list ran after the mute it depends on');

  const missing = answer.getResponseById('missing');
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'itemNotFound');
  await client.api(`/communications/calls/${call.id}`).delete();
});
