// The hashing limit under the same HTTP load as the sign-in scenario: a bare Fastify 5 route on
// 127.0.0.1:<argv[2]> that parses the same JSON body and verifies the password with argon2id
// (@node-rs/argon2, the server's parameters), at most <argv[3]> verifications at a time (the
// server's hashing pool size). Nothing else: no lookup, no counters, no tokens, no history. The
// sign-in scenario drives it with the same load generator, connections and bodies, so
// "sign-ins / this peer's verifications" is the share the sign-in engine itself costs, with the
// load generator's and HTTP's share taken out of the reference (issue 22: "show it by running
// the raw-argon2 reference under the same load-generator conditions"). docs/performance.md.
//
// `argon2-peer.mjs <port> <threads> mfa <base32 TOTP secret>` is the same reference for the MFA
// scenario's two requests: POST /api/v3/signin verifies argon2id and answers a random single-use
// `mfaToken` (kept in memory); POST /api/v3/mfa/verify takes that token once and checks a TOTP
// code as the server checks it (RFC 6238 through otpauth: HMAC-SHA1, 30-s steps, 6 digits, one
// step either side) and answers a fixed `access_token`. The scenario's own fetch loop drives it
// with the same bodies. No replay mark, no user, no tokens signed: the hashing and two HTTP exchanges only.
import { randomBytes } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import Fastify from 'fastify';
import { Secret, TOTP } from 'otpauth';

const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 };
const threads = Number(process.argv[3] ?? 2);
const mfa = process.argv[4] === 'mfa';
const hash = await argon2.hash('bench passphrase 0123456789', PARAMS);
let active = 0;
const waiting = [];
const acquire = () => (active < threads ? (active++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
const release = () => {
  const next = waiting.shift();
  if (next) next();
  else active--;
};

// The server's own TOTP check (apps/server/src/services/mfa/totp.ts): otpauth, SHA-1, 6 digits,
// 30-s steps, one step either side.
const totp = mfa ? new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(process.argv[5] ?? '') }) : undefined;
const pending = new Set();

const app = Fastify({ logger: false });
app.get('/ready', async () => ({ ok: true }));
app.post('/api/v3/signin', async (req, reply) => {
  const password = req.body?.passwordPayload?.password;
  if (typeof password !== 'string') return reply.code(400).send({ statusCode: 400 });
  await acquire();
  let ok;
  try {
    ok = await argon2.verify(hash, password);
  } finally {
    release();
  }
  if (!ok || !mfa) return { statusCode: ok ? 200 : 401, data: {} };
  const mfaToken = randomBytes(24).toString('base64url');
  pending.add(mfaToken);
  return { statusCode: 200, data: { mfaToken } };
});
if (mfa) {
  app.post('/api/v3/mfa/verify', async (req) => {
    const { mfaToken, passCode } = req.body ?? {};
    if (typeof mfaToken !== 'string' || !pending.delete(mfaToken) || typeof passCode !== 'string' || !/^\d{6}$/.test(passCode)) return { statusCode: 401, data: {} };
    const ok = totp.validate({ token: passCode, window: 1 }) !== null;
    return ok ? { statusCode: 200, data: { access_token: 'peer' } } : { statusCode: 401, data: {} };
  });
}
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
