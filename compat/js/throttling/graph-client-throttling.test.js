// Graph's request throttling (serve --graph-request-limit) as the official JavaScript Graph client v3 meets it: its
// RetryHandler (on by default: 3 retries, POST included) waits Retry-After after a 429 and sends again. Run by the Java
// test JsClientsCompatTest against a server of its own whose limit is SWITCHBOARD_GRAPH_LIMIT requests in
// SWITCHBOARD_GRAPH_WINDOW seconds (not by `npm test`, whose server has Graph's limit); the variables as for test/.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Client, GraphError, RetryHandlerOptions } = require('@microsoft/microsoft-graph-client');
const msal = require('@azure/msal-node');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the Java test JsClientsCompatTest sets it)`);
  return v;
};
const BASE = env('SWITCHBOARD_HTTPS_URL');
const HOST = new URL(BASE).host;
const TENANT = env('SWITCHBOARD_TENANT');
const LIMIT = Number(env('SWITCHBOARD_GRAPH_LIMIT'));
const WINDOW = Number(env('SWITCHBOARD_GRAPH_WINDOW'));

// a live receiver the Java side holds open past the server's stop: the call left live here is ended by that stop,
// and its end is delivered instead of waited for
const callbackUri = env('SWITCHBOARD_CALLBACK_URL');

async function appToken() {
  const app = new msal.ConfidentialClientApplication({
    auth: {
      clientId: env('SWITCHBOARD_BOT_ID'), clientSecret: env('SWITCHBOARD_BOT_SECRET'),
      authority: `${BASE}/${TENANT}`, knownAuthorities: [HOST],
    },
  });
  return (await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })).accessToken;
}

async function throttled() {
  const text = await (await fetch(`${BASE}/metrics`)).text();
  const m = text.match(/^switchboard_graph_requests_throttled_total (\S+)$/m);
  return m ? Number(m[1]) : 0;
}

test('the v3 client waits Retry-After after a 429 and its mute succeeds once the window has room', async () => {
  assert.equal(LIMIT, 3, 'the steps below count on a limit of 3');
  const token = await appToken(); // the token endpoint is not counted
  const client = Client.initWithMiddleware({
    baseUrl: `${BASE}/`,
    customHosts: new Set([new URL(BASE).hostname]),
    authProvider: { getAccessToken: async () => token },
  });
  const call = await client.api('/communications/calls').post({ // request 1 of the window
    callbackUri,
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    targets: [{ identity: { user: { id: env('SWITCHBOARD_ALICE_ID') } } }, { identity: { user: { id: env('SWITCHBOARD_BOB_ID') } } }],
  });
  const mute = (clientContext) => client.api(`/communications/calls/${call.id}/mute`).post({ clientContext });
  await mute('second');
  await mute('third');
  assert.equal(await throttled(), 0);

  const op = await mute('after-the-wait'); // 429 with Retry-After; the RetryHandler waits and sends it again
  assert.equal(op.clientContext, 'after-the-wait');
  assert.equal(op.status, 'Completed');
  assert.ok(await throttled() >= 1, 'the server answered 429 before the mute went through');

  // the retry opened a new window (1 of 3): two more, then one with retries off shows the 429 itself
  await mute('fifth');
  await mute('sixth');
  await assert.rejects(
    client.api(`/communications/calls/${call.id}/mute`).middlewareOptions([new RetryHandlerOptions(0, 0)]).post({}),
    (e) => {
      assert.ok(e instanceof GraphError, String(e));
      assert.equal(e.statusCode, 429);
      assert.equal(e.code, 'TooManyRequests');
      assert.match(e.message, /--graph-request-limit 3\//);
      const retryAfter = Number(e.headers.get('Retry-After'));
      assert.ok(retryAfter >= 1 && retryAfter <= WINDOW, `Retry-After ${retryAfter}`);
      return true;
    },
  );
});
