/**
 * The script's world, built inside the isolate before the user's code runs (docs/pipeline.md,
 * "Capabilities"). It reads the globals the worker set (`__gh_host`, `__gh_input`, `__gh_uuid`,
 * `__gh_hash`), deletes them so the user's code cannot reach the raw bridge, and evaluates to the
 * function the worker calls after the user's code defined its entry (`pipe`, `login` …).
 *
 * Everything here is plain JavaScript evaluated in the isolate: no Node object exists there, so
 * `require`, `process`, timers and the file system are simply absent.
 */
export const PRELUDE = String.raw`
(() => {
  'use strict';
  const host = globalThis.__gh_host;
  const input = globalThis.__gh_input;
  const uuid = globalThis.__gh_uuid;
  const hash = globalThis.__gh_hash;
  const mode = input.mode;
  delete globalThis.__gh_host;
  delete globalThis.__gh_input;
  delete globalThis.__gh_uuid;
  delete globalThis.__gh_hash;

  const logs = [];
  const MAX_LINES = 50;
  const MAX_LINE = 500;
  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.name + ': ' + v.message;
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  };
  const log = (...a) => { if (logs.length < MAX_LINES) logs.push(a.map(show).join(' ').slice(0, MAX_LINE)); };
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  define('console', Object.freeze({ log, info: log, warn: log, error: log, debug: log }));

  const call = async (op, args) => {
    const raw = await host.apply(undefined, [op, JSON.stringify(args)], { arguments: { copy: true }, result: { promise: true, copy: true } });
    const r = JSON.parse(raw);
    if (!r.ok) throw new TypeError(r.error);
    return r.value;
  };

  define('fetch', async (url, init) => {
    const i = init || {};
    const r = await call('fetch', [String(url), { method: i.method, headers: i.headers, body: i.body === undefined ? undefined : String(i.body) }]);
    const headers = r.headers || {};
    return Object.freeze({
      ok: r.status >= 200 && r.status < 300,
      status: r.status,
      statusText: r.statusText || '',
      headers: Object.freeze({ get: (n) => headers[String(n).toLowerCase()] ?? null }),
      text: async () => r.body,
      json: async () => JSON.parse(r.body),
    });
  });
  define('db', Object.freeze({ query: (sql, params) => call('db.query', [String(sql), Array.isArray(params) ? params : []]) }));
  define('crypto', Object.freeze({
    randomUUID: () => uuid(),
    sha256: (text) => hash('sha256', String(text)),
    hmacSha256: (key, text) => hash('hmac-sha256', String(text), String(key)),
  }));
  define('env', Object.freeze({ ...(input.env || {}) }));

  // A refusal is an Error (or a string) the script made on purpose; other errors (TypeError,
  // ReferenceError …) are faults of the script and fail closed without showing their text.
  const outcomeOf = (e) => {
    if (typeof e === 'string') return { kind: 'denied', message: e };
    if (e && typeof e === 'object' && Object.getPrototypeOf(e) === Error.prototype) return { kind: 'denied', message: String(e.message) };
    return { kind: 'error', message: e && e.name ? String(e.name) + ': ' + String(e.message) : show(e) };
  };
  const finish = (o) => JSON.stringify({ outcome: o, logs });

  if (mode === 'call') {
    return async (entry) => {
      const fn = globalThis[entry];
      if (typeof fn !== 'function') return finish({ kind: 'error', message: entry + ' is not defined' });
      try {
        const value = await fn(...input.args);
        return finish({ kind: 'ok', value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
      } catch (e) {
        return finish(outcomeOf(e));
      }
    };
  }

  const idToken = {};
  const accessToken = {};
  const customData = {};
  const user = input.user ? { ...input.user } : null;
  const context = { ...input.context };
  // Asks the engine's MFA step to run for this sign-in (POST_AUTHENTICATION; docs/pipeline.md "Asking for MFA").
  let mfa = false;
  Object.defineProperty(context, 'requireMfa', { value: () => { mfa = true; }, enumerable: false });
  const claim = (into) => (k, v) => { into[String(k)] = v; };
  if (user) {
    const methods = {
      addIdToken: claim(idToken),
      addToken: claim(idToken),
      addAccessToken: claim(accessToken),
      setCustomData: (k, v) => { customData[String(k)] = v; },
    };
    for (const [k, f] of Object.entries(methods)) Object.defineProperty(user, k, { value: f, enumerable: false });
  }

  return async (entry) => {
    const fn = globalThis[entry];
    if (typeof fn !== 'function') return finish({ kind: 'error', message: entry + ' is not defined' });
    try {
      const done = await new Promise((resolve, reject) => {
        let settled = false;
        const callback = (err, u, c) => {
          if (settled) return;
          settled = true;
          if (err) reject(err); else resolve({ user: u || user, context: c || context });
        };
        let r;
        try { r = fn(user, context, callback); } catch (e) { settled = true; reject(e); return; }
        if (r && typeof r.then === 'function') r.then(() => callback(null, user, context), (e) => callback(e || new Error('rejected')));
        else if (fn.length < 3) callback(null, user, context);
      });
      const plain = (v) => (v && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : null);
      return finish({ kind: 'ok', value: { user: plain(done.user), context: plain(done.context), idToken, accessToken, customData, mfa } });
    } catch (e) {
      return finish(outcomeOf(e));
    }
  };
})()
`;
