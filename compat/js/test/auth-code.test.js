// MSAL Node's authorization code flow with PKCE against the embedded authority: the public "Dev SPA" signs alice in
// through the plain sign-in page (driven here with fetch, as a browser would), redeems the code, refreshes, and
// alice's token joins a call through the client API. Started by JsClientsCompatTest (see graph-client.test.js).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const msal = require('@azure/msal-node');
const jwt = require('jsonwebtoken');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the Java test JsClientsCompatTest sets it)`);
  return v;
};
const BASE = env('SWITCHBOARD_HTTPS_URL');
const TENANT = env('SWITCHBOARD_TENANT');
const SPA = env('SWITCHBOARD_SPA_ID');
const REDIRECT = 'http://localhost:3000/auth/redirect';
const SCOPES = ['https://graph.microsoft.com/Calls.JoinGroupCall'];

const pca = () => new msal.PublicClientApplication({
  auth: { clientId: SPA, authority: `${BASE}/${TENANT}`, knownAuthorities: [new URL(BASE).host] },
});

/** What the user does in the browser: open the page, fill in the form, submit; returns the page's answer. */
async function signIn(url, username, password) {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="post"/);
  assert.doesNotMatch(html, /<script|<link|\ssrc=|\shref=|@import|url\(/, 'a plain page with no external assets');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(m[1], m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }
  fields.set('username', username);
  fields.set('password', password);
  return fetch(url, { method: 'POST', body: fields, redirect: 'manual' });
}

test('auth code + PKCE signs alice in, the token refreshes and joins a call through the client API', async () => {
  const app = pca();
  const { verifier, challenge } = await new msal.CryptoProvider().generatePkceCodes();
  const url = await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: REDIRECT, codeChallenge: challenge,
    codeChallengeMethod: 'S256', state: 'state-123', nonce: 'nonce-456' });
  assert.ok(url.startsWith(`${BASE}/${TENANT}/oauth2/v2.0/authorize?`), url);

  const wrong = await signIn(url, env('SWITCHBOARD_ALICE_USERNAME'), 'not-her-password');
  assert.equal(wrong.status, 200);
  assert.match(await wrong.text(), /account or password is incorrect/);

  const ok = await signIn(url, env('SWITCHBOARD_ALICE_USERNAME'), env('SWITCHBOARD_ALICE_PASSWORD'));
  assert.equal(ok.status, 302);
  const back = new URL(ok.headers.get('location'));
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
  assert.equal(back.searchParams.get('state'), 'state-123');
  const code = back.searchParams.get('code');
  assert.ok(code);

  const result = await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT, codeVerifier: verifier, nonce: 'nonce-456', state: 'state-123' },
    { code, state: 'state-123', client_info: back.searchParams.get('client_info') });
  const claims = jwt.decode(result.accessToken);
  assert.equal(claims.oid, env('SWITCHBOARD_ALICE_ID'));
  assert.equal(claims.idtyp, 'user');
  assert.equal(claims.iss, `${BASE}/${TENANT}/v2.0`);
  assert.match(claims.scp, /Calls\.JoinGroupCall/);
  assert.equal(result.idTokenClaims.nonce, 'nonce-456');
  assert.equal(result.account.username, env('SWITCHBOARD_ALICE_USERNAME'));

  // the code works once
  await assert.rejects(app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT, codeVerifier: verifier }),
    (e) => e.errorCode === 'invalid_grant');

  // a refresh (MSAL uses the refresh token it cached)
  const refreshed = await app.acquireTokenSilent({ account: result.account, scopes: SCOPES, forceRefresh: true });
  assert.notEqual(refreshed.accessToken, result.accessToken);
  assert.equal(jwt.decode(refreshed.accessToken).oid, env('SWITCHBOARD_ALICE_ID'));

  // alice's token works on the client API: she joins a group call the bot made
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: env('SWITCHBOARD_BOT_ID'),
    client_secret: env('SWITCHBOARD_BOT_SECRET'), scope: 'https://graph.microsoft.com/.default' });
  const botToken = (await (await fetch(`${BASE}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body: form })).json()).access_token;
  const created = await fetch(`${BASE}/v1.0/communications/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json' },
    // a live receiver the Java side holds open: the call's end is delivered, so the server stops without waiting for it
    body: JSON.stringify({ callbackUri: env('SWITCHBOARD_CALLBACK_URL'), requestedModalities: ['audio'],
      mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      targets: [{ identity: { user: { id: env('SWITCHBOARD_ALICE_ID') } } }, { identity: { user: { id: env('SWITCHBOARD_BOB_ID') } } }] }),
  });
  assert.equal(created.status, 201);
  const call = await created.json();
  const joined = await fetch(`${BASE}/client/v1/calls/${call.id}/participants`, {
    method: 'POST', headers: { authorization: `Bearer ${refreshed.accessToken}`, 'content-type': 'application/sdp' },
    body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n',
  });
  assert.equal(joined.status, 201, await joined.clone().text());
  await fetch(`${BASE}/v1.0/communications/calls/${call.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${botToken}` } });
});

test('a wrong code_verifier, an unregistered redirect URI and a missing PKCE challenge are refused as Entra does', async () => {
  const app = pca();
  const { challenge } = await new msal.CryptoProvider().generatePkceCodes();
  const url = await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: REDIRECT, codeChallenge: challenge, codeChallengeMethod: 'S256' });
  const ok = await signIn(url, env('SWITCHBOARD_ALICE_USERNAME'), env('SWITCHBOARD_ALICE_PASSWORD'));
  const code = new URL(ok.headers.get('location')).searchParams.get('code');
  const other = await new msal.CryptoProvider().generatePkceCodes();
  await assert.rejects(app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT, codeVerifier: other.verifier }),
    (e) => e.errorCode === 'invalid_grant');

  const evil = await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: 'https://evil.example/cb', codeChallenge: challenge, codeChallengeMethod: 'S256' });
  const refused = await fetch(evil, { redirect: 'manual' });
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /AADSTS50011/);

  const noPkce = new URL(`${BASE}/${TENANT}/oauth2/v2.0/authorize`);
  noPkce.search = new URLSearchParams({ client_id: SPA, response_type: 'code', redirect_uri: REDIRECT, scope: SCOPES[0], state: 's' }).toString();
  const r = await fetch(noPkce, { redirect: 'manual' });
  assert.equal(r.status, 302);
  const err = new URL(r.headers.get('location'));
  assert.equal(err.searchParams.get('error'), 'invalid_request');
  assert.equal(err.searchParams.get('state'), 's');
});
