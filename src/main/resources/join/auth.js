// Sign-in with the embedded authority: the authorization-code flow with PKCE (S256) as a public client.
// The token lives in sessionStorage for this tab only; nothing else is stored.

const SCOPE = 'https://graph.microsoft.com/.default openid profile';
const KEY = 'switchboard.join.';

function b64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n) {
  const a = new Uint8Array(n);
  crypto.getRandomValues(a);
  return b64url(a);
}

function redirectUri() {
  return location.origin + location.pathname;
}

function base(signIn) {
  return '/' + encodeURIComponent(signIn.tenantId) + '/oauth2/v2.0';
}

/** The token of this tab, or null (missing or expiring within a minute). */
export function currentToken() {
  const raw = sessionStorage.getItem(KEY + 'token');
  if (!raw) return null;
  const t = JSON.parse(raw);
  return t.expiresAt > Date.now() + 60000 ? t : null;
}

export function signOut() {
  sessionStorage.removeItem(KEY + 'token');
}

/** Sends the browser to the authority's sign-in page; it comes back to this page with a code. */
export async function startSignIn(signIn) {
  const verifier = random(48);
  const state = random(16);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(KEY + 'pkce', JSON.stringify({verifier, state, back: location.search}));
  const q = new URLSearchParams({client_id: signIn.clientId, response_type: 'code', redirect_uri: redirectUri(),
    response_mode: 'query', scope: SCOPE, state, code_challenge: challenge, code_challenge_method: 'S256'});
  location.assign(base(signIn) + '/authorize?' + q);
}

/**
 * Back from the sign-in page: redeems the code for a token (and cleans the address bar). Returns the token, null if
 * this page load is not a sign-in answer; throws with the authority's message when sign-in failed.
 */
export async function finishSignIn(signIn) {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  const saved = JSON.parse(sessionStorage.getItem(KEY + 'pkce') || 'null');
  sessionStorage.removeItem(KEY + 'pkce');
  history.replaceState(null, '', location.pathname + (saved && saved.back ? saved.back : ''));
  if (error) throw new Error('Sign-in failed: ' + (params.get('error_description') || error));
  if (!saved || saved.state !== params.get('state')) throw new Error('Sign-in failed: the answer does not belong to this page; sign in again.');
  const form = new URLSearchParams({grant_type: 'authorization_code', client_id: signIn.clientId, code,
    redirect_uri: redirectUri(), code_verifier: saved.verifier, scope: SCOPE});
  const r = await fetch(base(signIn) + '/token', {method: 'POST', body: form,
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
  const body = await r.json();
  if (!r.ok) throw new Error('Sign-in failed: ' + (body.error_description || body.error || r.status));
  const claims = JSON.parse(atob(body.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const token = {accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000,
    name: claims.name || claims.preferred_username || claims.upn || 'you', userId: claims.oid};
  sessionStorage.setItem(KEY + 'token', JSON.stringify(token));
  return token;
}
