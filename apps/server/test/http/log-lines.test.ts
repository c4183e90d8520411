import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/container/logger.js';
import { startServer, type TestServer } from '../support/server.js';
import { signedFetch } from '../support/signed-fetch.js';

/** JSON log lines must be valid for every consumer: no key twice in one object (JSON allows it, most log pipelines keep only one). */
function duplicateKeys(line: string): string[] {
  const dups: string[] = [];
  // A tiny scanner over one JSON text: tracks the keys of each open object.
  const stack: Array<Set<string>> = [];
  let i = 0;
  const str = () => {
    let out = '';
    i++;
    while (line[i] !== '"') {
      if (line[i] === '\\') i++;
      out += line[i++];
    }
    i++;
    return out;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '{') {
      stack.push(new Set());
      i++;
    } else if (c === '}') {
      stack.pop();
      i++;
    } else if (c === '"') {
      const s = str();
      let j = i;
      while (line[j] === ' ') j++;
      if (line[j] === ':' && stack.length) {
        const keys = stack[stack.length - 1]!;
        if (keys.has(s)) dups.push(s);
        keys.add(s);
      }
    } else i++;
  }
  return dups;
}

describe('JSON log lines', () => {
  let s: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, cb) => { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
    s = await startServer({ logger: createLogger('info', sink) });
  });
  afterAll(async () => s?.close());

  it('have no duplicate keys, for successes, refusals and page errors', async () => {
    await fetch(`${s.url}/health/live`);
    await fetch(`${s.url}/api/v3/get-userpool`);
    await signedFetch(s.url, { path: '/api/v3/list-access-key', key: s.rootKey });
    await signedFetch(s.url, { method: 'POST', path: '/api/v3/create-user', key: s.rootKey, body: { email: 'not-an-email' } });
    await fetch(`${s.url}/oidc/auth?client_id=nope`);
    await fetch(`${s.url}/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.length).toBeGreaterThan(6);
    for (const line of lines) expect(duplicateKeys(line), line).toEqual([]);
  });
});
