// MSAL Node's device code flow (for CLIs) against the embedded authority: the Dev SPA (a public client) asks for a
// code, "the user" enters it on the devicelogin page and signs in (driven with fetch), MSAL's polling gets the tokens.
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

test('device code flow: the user enters the code in a browser, MSAL Node receives her tokens', { timeout: 120_000 }, async () => {
  const app = new msal.PublicClientApplication({
    auth: { clientId: env('SWITCHBOARD_SPA_ID'), authority: `${BASE}/${TENANT}`, knownAuthorities: [new URL(BASE).host] },
  });
  let shown;
  const tokens = app.acquireTokenByDeviceCode({
    scopes: ['https://graph.microsoft.com/Calls.JoinGroupCall'],
    deviceCodeCallback: (r) => { shown = r; },
    timeout: 90, // seconds: MSAL stops polling, so a failed step cannot keep the test waiting for the code's 15 minutes
  });
  tokens.catch(() => {}); // awaited below; a failure before that must not become an unhandled rejection
  const deadline = Date.now() + 30_000;
  while (!shown && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(shown, 'MSAL showed the device code message');
  assert.equal(shown.verificationUri, `${BASE}/${TENANT}/oauth2/v2.0/devicelogin`);
  assert.match(shown.message, new RegExp(shown.userCode));

  const page = await fetch(shown.verificationUri);
  assert.match(await page.text(), /Enter code/);
  const wrong = await fetch(shown.verificationUri, { method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ otc: 'BBBBBBBBB', username: env('SWITCHBOARD_ALICE_USERNAME'), password: env('SWITCHBOARD_ALICE_PASSWORD') }) });
  assert.match(await wrong.text(), /code didn&#39;t work/);
  const ok = await fetch(shown.verificationUri, { method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ otc: shown.userCode, username: env('SWITCHBOARD_ALICE_USERNAME'), password: env('SWITCHBOARD_ALICE_PASSWORD') }) });
  assert.match(await ok.text(), /You have signed in/);

  const result = await tokens;
  const claims = jwt.decode(result.accessToken);
  assert.equal(claims.oid, env('SWITCHBOARD_ALICE_ID'));
  assert.equal(claims.idtyp, 'user');
  assert.equal(result.account.username, env('SWITCHBOARD_ALICE_USERNAME'));
});
