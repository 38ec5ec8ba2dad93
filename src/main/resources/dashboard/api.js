// The admin API, and nothing else (docs/admin-api.md). The token lives in sessionStorage for this tab only.
const TOKEN_KEY = 'switchboard.adminToken';

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function failure(res) {
  let code = 'error', message = `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body && body.error) { code = body.error.code; message = body.error.message; }
  } catch (_) { /* not JSON */ }
  return new ApiError(res.status, code, message);
}

export async function call(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  const t = token.get();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/admin/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export async function signIn(username, password) {
  const out = await call('POST', '/signin', { username, password });
  token.set(out.access_token);
  return out.admin;
}

/**
 * Holds the live feed (Server-Sent Events read with fetch, so the token goes in the Authorization header) and hands
 * each event to onEvent(name, data). Reconnects after a second when the stream ends, or after the Retry-After of a
 * refusal such as 503 (onState(false, error) says why); stops on 401/403 (onRefused).
 */
export class Feed {
  constructor(callId, onEvent, onState, onRefused) {
    this.callId = callId; this.onEvent = onEvent; this.onState = onState; this.onRefused = onRefused;
    this.stopped = false; this.controller = null;
    this.run();
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async run() {
    while (!this.stopped) {
      this.controller = new AbortController();
      let wait = 1000, problem = null;
      try {
        const q = this.callId ? '?callId=' + encodeURIComponent(this.callId) : '';
        const res = await fetch('/admin/v1/feed' + q, {
          headers: { 'Authorization': 'Bearer ' + (token.get() || ''), 'Accept': 'text/event-stream' },
          signal: this.controller.signal,
        });
        if (res.status === 401 || res.status === 403) { this.onRefused(await failure(res)); return; }
        if (res.ok) {
          this.onState(true, null);
          await this.read(res.body.getReader());
        } else { // e.g. 503: too many feeds are open; try again when the server asks
          problem = await failure(res);
          wait = 1000 * Math.max(1, Number(res.headers.get('Retry-After')) || 1);
        }
      } catch (e) {
        if (this.stopped) return;
      }
      this.onState(false, problem);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message', data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) this.onEvent(name, JSON.parse(data));
      }
    }
  }
}
