/**
 * `npx tsx bench/token-cpu.ts [--requests N] [--rounds R] [--only userinfo,introspection,cc,refresh]`
 * — server CPU time per userinfo, introspection, client-credentials and refresh-token rotation
 * request, lean handler (oidcFastEndpoints on) against oidc-provider alone (off),
 * in one process on one SQLite database, rounds interleaved. CPU time (process.cpuUsage) per
 * request is far less sensitive to other load on the machine than requests per second, so this
 * gives a usable before/after comparison on a busy machine; it is not a throughput figure (no
 * HTTP parsing or sockets: Fastify's `inject`). See docs/performance.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../apps/server/src/config/load.js';
import { createContainer } from '../apps/server/src/container/index.js';
import { buildApp } from '../apps/server/src/app.js';
import { bootstrap } from '../apps/server/src/services/bootstrap.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' } } });
const N = Number(args.requests);
const ROUNDS = Number(args.rounds);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-token-cpu-'));
const base = { dataDir: dir, databaseUrl: `sqlite:${join(dir, 'gh.db')}`, secret: 'token-cpu-master-secret-0123456789abcdefgh', publicUrl: 'http://127.0.0.1:9', logLevel: 'silent' as const };

const on = await createContainer(loadConfig({}, { ...base, oidcFastEndpoints: 'on' }));
const boot = (await bootstrap(on))!;
const off = await createContainer(loadConfig({}, { ...base, oidcFastEndpoints: 'off' }));
const apps = { on: await buildApp(on), off: await buildApp(off) };
const poolId = boot.pool.id;
const appId = boot.app.appId;
const secret = await on.services.applications.getSecret(poolId, appId);
const user = (await on.services.users.create(poolId, { email: 'cpu@bench.example', name: 'CPU' } as never)) as { userId: string };
const tokens = await Promise.all(
  Array.from({ length: 32 }, () => on.oidc.tokens.issue({ poolId, appId, userId: user.userId, scope: 'openid profile email', facts: { authTime: Math.floor(Date.now() / 1000), amr: ['pwd'] } } as never)),
);

const m2m = await on.services.applications.create(poolId, { appName: 'cpu-m2m', appType: 'api', oidcConfig: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' } } as never);
const m2mBasic = `Basic ${Buffer.from(`${m2m.appId}:${m2m.appSecret}`).toString('base64')}`;

// Refresh-token chains, 16 per variant (one per concurrent request): each rotation presents its
// chain's current token and keeps the new one.
const chains = { on: [] as string[], off: [] as string[] };
for (const which of ['on', 'off'] as const) {
  for (let k = 0; k < 16; k++) {
    const t = (await on.oidc.tokens.issue({ poolId, appId, userId: user.userId, scope: 'openid profile offline_access', facts: { authTime: Math.floor(Date.now() / 1000), amr: ['pwd'] } } as never)) as { refresh_token?: string };
    if (!t.refresh_token) throw new Error('no refresh token issued');
    chains[which].push(t.refresh_token);
  }
}

type Kind = 'userinfo' | 'introspection' | 'client credentials' | 'refresh';
async function round(which: 'on' | 'off', kind: Kind): Promise<number> {
  const app = apps[which];
  const one = async (i: number) => {
    const t = tokens[i % tokens.length]!.access_token;
    if (kind === 'refresh') {
      const k = i % 16;
      const r = await app.inject({ method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chains[which][k]!, client_id: appId, client_secret: secret }).toString() });
      if (r.statusCode === 200) chains[which][k] = (JSON.parse(r.body) as { refresh_token: string }).refresh_token;
      return r;
    }
    if (kind === 'client credentials') return app.inject({ method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: m2mBasic }, payload: 'grant_type=client_credentials' });
    return kind === 'userinfo'
      ? app.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${t}` } })
      : app.inject({ method: 'POST', url: '/oidc/token/introspection', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: t, client_id: appId, client_secret: secret }).toString() });
  };
  for (let i = 0; i < 50; i++) await one(i); // warm
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i += 16) {
    const batch = await Promise.all(Array.from({ length: 16 }, (_, k) => one(i + k)));
    for (const r of batch) if (r.statusCode !== 200 || (kind === 'introspection' && !r.body.includes('"active":true'))) throw new Error(`${which} ${kind}: ${r.statusCode} ${r.body}`);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / N; // µs of CPU per request
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const out: string[] = [`${N} requests per round, ${ROUNDS} rounds, interleaved; µs of process CPU per request (median, min–max)`, '', '| endpoint | oidc-provider (off) | lean (on) | ratio |', '|---|---|---|---|'];
const wanted = args.only?.split(',').map((k) => (k === 'cc' ? 'client credentials' : k));
for (const kind of (['userinfo', 'introspection', 'client credentials', 'refresh'] as Kind[]).filter((k) => !wanted || wanted.includes(k))) {
  const r = { on: [] as number[], off: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    r.off.push(await round('off', kind));
    r.on.push(await round('on', kind));
  }
  const f = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  out.push(`| ${kind} | ${f(r.off)} | ${f(r.on)} | ${(median(r.off) / median(r.on)).toFixed(2)}× less CPU |`);
}
process.stdout.write(`${out.join('\n')}\n`);
await apps.on.close();
await apps.off.close();
await off.close();
await on.close();
rmSync(dir, { recursive: true, force: true });
