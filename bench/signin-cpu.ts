/**
 * `npx tsx bench/signin-cpu.ts [--requests N] [--rounds R]` — the event loop's CPU per password
 * sign-in and per client-credentials token, in one process on one SQLite database (Fastify's
 * `inject`: no sockets, so no HTTP parsing and no kernel time; the argon2id hashes run on the
 * hashing pool's worker threads and are not counted). The figure is `process.threadCpuUsage()`
 * of the main thread per request: what the issue calls "the event loop's share per sign-in".
 * CPU time of one thread moves far less with foreign load than requests per second, so two
 * trees can be compared on a busy machine by running this script in each, alternately.
 * `--only signin|cc|refresh|mfa` measures one of them (e.g. under `node --import tsx --cpu-prof`;
 * `refresh` is refresh-token rotation at POST /oidc/token, 32 chains, measured only with --only;
 * `mfa` is a password sign-in answered with an mfaToken, then POST /api/v3/mfa/verify with a
 * TOTP code, every user enrolled and the app's OTP factor on, measured only with --only: each
 * user signs in once per 30-s step at most, so keep rounds × requests below --users);
 * `ldap` is a directory sign-in (connection LDAP) against a throwaway slapd over StartTLS, as the
 * bench's `ldap` scenario (measured only with --only; the directory's own CPU is not counted);
 * `--statements` (SQLite) lists the SQL statements one request runs, on average, and exits.
 * `--cpu-prof <file>` writes a V8 CPU profile of the measured rounds only (no start-up, no
 * seeding, no warm-up), for `npx tsx bench/profile-summary.ts <file> 40 --inclusive`. V8's
 * profiler samples wall time, so on a loaded machine it charges descheduled time to whatever
 * ran last; `--perf-ctl <fifo>` instead writes `enable` / `disable` to a `perf record
 * --control fifo:<fifo> -D -1` around the measured rounds, whose `cpu-clock` samples are
 * on-CPU time only (docs/performance.md, "Profiling on a loaded machine").
 * See docs/performance.md ("Event-loop CPU per request").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../apps/server/src/config/load.js';
import { createContainer } from '../apps/server/src/container/index.js';
import { buildApp } from '../apps/server/src/app.js';
import { bootstrap } from '../apps/server/src/services/bootstrap.js';
import { createPasswordHasher } from '../apps/server/src/services/passwords/hasher.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' }, users: { type: 'string', default: '2000' }, only: { type: 'string' }, statements: { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' }, 'perf-ctl': { type: 'string' } } });
const N = Number(args.requests);
const ROUNDS = Number(args.rounds);
const USERS = Number(args.users);
const PASSWORD = 'bench passphrase 0123456789';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-signin-cpu-'));
const c = await createContainer(loadConfig({}, { dataDir: dir, databaseUrl: `sqlite:${join(dir, 'gh.db')}`, secret: 'signin-cpu-master-secret-0123456789abcdefg', publicUrl: 'http://127.0.0.1:9', logLevel: 'silent', ...(args.only === 'ldap' ? { outboundAllow: '127.0.0.1' } : {}) }));
const boot = (await bootstrap(c))!;
const poolId = boot.pool.id;
const web = await c.services.applications.create(poolId, { appName: 'CPU web', appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'] } as never);
const m2m = await c.services.applications.create(poolId, { appName: 'CPU worker', appType: 'api', oidcConfig: { scope: 'read:things' } } as never);
// As bench/lib/gatehouse.ts seeds: one real hash, shared by every user.
const hash = await createPasswordHasher({ concurrency: 1 }).hash(PASSWORD);
const first = (await c.services.users.create(poolId, { email: 'u0@bench.example', username: 'u0' } as never)) as { userId: string };
const template = (await c.repos.users.findById(poolId, first.userId))!;
await c.repos.users.update(poolId, template.id, { password_hash: hash });
const now = new Date().toISOString();
const { sortableId } = await import('../apps/server/src/utils/ids.js');
await c.repos.users.insertMany(Array.from({ length: USERS - 1 }, (_, k) => ({ ...template, id: sortableId(), email: `u${k + 1}@bench.example`, username: `u${k + 1}`, phone: null, password_hash: hash, created_at: now, updated_at: now }) as never));
await c.authn.settings.update(poolId, { bruteForce: { captchaAfter: 0 } });
const app = await buildApp(c);

type Kind = 'signin' | 'cc' | 'refresh' | 'mfa' | 'ldap';
let next = 0;
// Refresh-token chains (one per concurrent request, as the bench's refresh scenario): signed in
// with offline_access, each rotation presents the chain's current token.
const chains: string[] = [];
if (args.only === 'refresh') {
  for (let k = 0; k < 32; k++) {
    const r = await app.inject({ method: 'POST', url: '/api/v3/signin', headers: { 'content-type': 'application/json', 'x-authing-app-id': web.appId }, payload: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: `u${k}@bench.example`, password: PASSWORD }, options: { scope: 'openid profile offline_access' }, client_id: web.appId, client_secret: web.appSecret }) });
    const t = (JSON.parse(r.body) as { data?: { refresh_token?: string } }).data?.refresh_token;
    if (!t) throw new Error(`no refresh token: ${r.body.slice(0, 300)}`);
    chains.push(t);
  }
}
// MFA: every user has the same TOTP secret (as the bench's MFA scenario), the app asks for OTP.
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const { Secret, TOTP } = await import('otpauth');
const totp = new TOTP({ secret: Secret.fromBase32(TOTP_SECRET), period: 30, digits: 6, algorithm: 'SHA1' });
if (args.only === 'mfa') {
  for (let k = 0; k < USERS; k++) {
    const u = (await c.repos.users.findBy(poolId, 'email', `u${k}@bench.example`))!;
    await c.mfa.factors.importOtp(poolId, u.id, TOTP_SECRET, 'bench');
  }
  await c.mfa.policies.update(poolId, web.appId, { enabledFactors: ['OTP'] });
}
// LDAP: as the bench's scenario (bench/run.ts): StartTLS, 64 directory users round-robin.
let stopDirectory = async () => {};
let ldapUsers: string[] = [];
let ldapPassword = '';
if (args.only === 'ldap') {
  const { startSlapd } = await import('../packages/connectors/test/fixtures/directories/index.js');
  const { addDirectoryUsers } = await import('./lib/directory.js');
  const dirSrv = await startSlapd();
  stopDirectory = () => dirSrv.stop();
  const idp = await c.federation.sources.createIdp(poolId, { name: 'cpu ldap', type: 'ldap' } as never);
  const fields = { ldapUrl: dirSrv.url, startTls: true, tlsCaCert: dirSrv.caPem, bindDn: dirSrv.service.dn, bindPassword: dirSrv.service.password, baseDn: dirSrv.peopleDn, groupBaseDn: dirSrv.groupsDn, attributeMap: { uid: 'username', mail: 'email', cn: 'name' }, timeoutMs: 30_000 };
  const conn = await c.federation.sources.createConnection(poolId, { extIdpId: idp.id, type: 'ldap', identifier: 'cpu-ldap', displayName: 'CPU LDAP', fields } as never);
  await c.federation.sources.changeConnectionState(poolId, { id: conn.id, enabled: true, appIds: [web.appId] });
  ldapPassword = dirSrv.users.alice.password;
  ldapUsers = await addDirectoryUsers(dirSrv, 64, ldapPassword);
}
let nextLdap = 0;
const ldapSignIn = () => app.inject({ method: 'POST', url: '/api/v3/signin', headers: { 'content-type': 'application/json', 'x-authing-app-id': web.appId }, payload: JSON.stringify({ connection: 'LDAP', ldapPayload: { sAMAccountName: ldapUsers[nextLdap++ % ldapUsers.length], password: ldapPassword }, client_id: web.appId, client_secret: web.appSecret }) });
const signInRequest = () => app.inject({ method: 'POST', url: '/api/v3/signin', headers: { 'content-type': 'application/json', 'x-authing-app-id': web.appId }, payload: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: `u${next++ % USERS}@bench.example`, password: PASSWORD }, client_id: web.appId, client_secret: web.appSecret }) });
const mfaSignIn = async () => {
  const first = await signInRequest();
  const mfaToken = (JSON.parse(first.body) as { data?: { mfaToken?: string } }).data?.mfaToken;
  if (!mfaToken) return first;
  return app.inject({ method: 'POST', url: '/api/v3/mfa/verify', headers: { 'content-type': 'application/json', 'x-authing-app-id': web.appId }, payload: JSON.stringify({ mfaToken, factorType: 'OTP', passCode: totp.generate() }) });
};
let chain = 0;
const rotate = async () => {
  const w = chain++ % chains.length;
  const r = await app.inject({ method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chains[w]!, client_id: web.appId, client_secret: web.appSecret }).toString() });
  if (r.statusCode === 200) chains[w] = (JSON.parse(r.body) as { refresh_token: string }).refresh_token;
  return r;
};
const basic = `Basic ${Buffer.from(`${m2m.appId}:${m2m.appSecret}`).toString('base64')}`;
const one = (kind: Kind) =>
  kind === 'refresh'
    ? rotate()
    : kind === 'ldap'
    ? ldapSignIn()
    : kind === 'mfa'
    ? mfaSignIn()
    : kind === 'signin'
    ? signInRequest()
    : app.inject({ method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, payload: 'grant_type=client_credentials' });
const ok = (kind: Kind, body: string) => (kind === 'signin' || kind === 'mfa' || kind === 'ldap' ? body.includes('"statusCode":200') && body.includes('access_token') : kind === 'refresh' ? body.includes('"refresh_token"') : body.includes('"access_token"'));

async function round(kind: Kind, n: number): Promise<number> {
  const conc = kind === 'signin' || kind === 'mfa' || kind === 'ldap' ? 16 : 32;
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < n; i += conc) {
    const batch = await Promise.all(Array.from({ length: Math.min(conc, n - i) }, () => one(kind)));
    for (const r of batch) if (r.statusCode !== 200 || !ok(kind, r.body)) throw new Error(`${kind}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  }
  const t = process.threadCpuUsage(t0);
  return (t.user + t.system) / n;
}

if (args.statements) {
  // Counts better-sqlite3 statement executions (Kysely and the KV both end there) per request.
  const Database = (await import('better-sqlite3')).default;
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  const counts = new Map<string, number>();
  // Main-thread CPU µs inside each statement (better-sqlite3 is synchronous: the call is the statement).
  const cpu = new Map<string, number>();
  let on = false;
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m]!;
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      if (!on) return orig.apply(this, a);
      const k = `${m} ${this.source.replace(/\s+/g, ' ').slice(0, 140)}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      const t0 = process.threadCpuUsage();
      try {
        return orig.apply(this, a);
      } finally {
        const t = process.threadCpuUsage(t0);
        cpu.set(k, (cpu.get(k) ?? 0) + t.user + t.system);
      }
    };
  }
  for (const kind of (args.only ? [args.only] : ['signin', 'cc']) as Kind[]) {
    await round(kind, 32);
    await new Promise((res) => setTimeout(res, 300)); // batched writes of the warm-up
    counts.clear();
    cpu.clear();
    on = true;
    await round(kind, 160);
    await new Promise((res) => setTimeout(res, 300)); // and those of the counted requests
    on = false;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const totalCpu = [...cpu.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`\n${kind}: SQL statements per request (160 requests): ${(total / 160).toFixed(2)}, ${(totalCpu / 160).toFixed(0)} µs of main-thread CPU inside them\n  count   µs/req  statement\n`);
    for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) process.stdout.write(`${(v / 160).toFixed(2).padStart(6)}  ${((cpu.get(k) ?? 0) / 160).toFixed(0).padStart(6)}  ${k}\n`);
    counts.clear();
    cpu.clear();
  }
  await app.close();
  await c.close();
  await stopDirectory();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const r: Record<Kind, number[]> = { signin: [], cc: [], refresh: [], mfa: [], ldap: [] };
const warmUp = async () => {
  if (args.only === 'refresh') return void (await round('refresh', 200));
  if (args.only === 'mfa') return void (await round('mfa', 64));
  if (args.only === 'ldap') return void (await round('ldap', 128));
  await round('signin', 64);
  await round('cc', 200);
};
await warmUp();
// The profile covers the measured rounds alone (node:inspector in this process).
const inspector = args['cpu-prof'] ? new (await import('node:inspector/promises')).Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const perfCtl = (cmd: string) => args['perf-ctl'] && writeFileSync(args['perf-ctl'], `${cmd}\n`);
perfCtl('enable');
if (args.only === 'refresh') {
  for (let i = 0; i < ROUNDS; i++) r.refresh.push(await round('refresh', N * 2));
} else if (args.only === 'mfa') {
  for (let i = 0; i < ROUNDS; i++) r.mfa.push(await round('mfa', N));
} else if (args.only === 'ldap') {
  for (let i = 0; i < ROUNDS; i++) r.ldap.push(await round('ldap', N));
} else {
  for (let i = 0; i < ROUNDS; i++) {
    if (args.only !== 'cc') r.signin.push(await round('signin', N));
    if (args.only !== 'signin') r.cc.push(await round('cc', N * 5));
  }
}
perfCtl('disable');
if (inspector) {
  const { profile } = await inspector.post('Profiler.stop');
  writeFileSync(args['cpu-prof']!, JSON.stringify(profile));
  inspector.disconnect();
}
const f = (xs: number[]) => xs.length === 0 ? '–' : `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
process.stdout.write(
  [
    `event-loop CPU µs per request (main thread, process.threadCpuUsage), median (min–max) of ${ROUNDS} rounds; ${N} sign-ins and ${N * 5} tokens per round; ${USERS} users`,
    '',
    '| request | µs |',
    '|---|---|',
    `| password sign-in (POST /api/v3/signin) | ${f(r.signin)} |`,
    `| client credentials (POST /oidc/token) | ${f(r.cc)} |`,
    ...(r.mfa.length ? [`| MFA sign-in: password, then TOTP (POST /api/v3/signin + /api/v3/mfa/verify, both requests) | ${f(r.mfa)} |`] : []),
    ...(r.ldap.length ? [`| LDAP sign-in (POST /api/v3/signin, connection LDAP, StartTLS) | ${f(r.ldap)} |`] : []),
    ...(r.refresh.length ? [`| refresh-token rotation (POST /oidc/token, ${N * 2} per round) | ${f(r.refresh)} |`] : []),
    '',
  ].join('\n'),
);
await app.close();
await c.close();
await stopDirectory();
rmSync(dir, { recursive: true, force: true });
