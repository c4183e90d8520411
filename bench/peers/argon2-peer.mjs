// The hashing limit under the same HTTP load as the sign-in scenario: a bare Fastify 5 route on
// 127.0.0.1:<argv[2]> that parses the same JSON body and verifies the password with argon2id
// (@node-rs/argon2, the server's parameters), at most <argv[3]> verifications at a time (the
// server's hashing pool size). Nothing else: no lookup, no counters, no tokens, no history. The
// sign-in scenario drives it with the same load generator, connections and bodies, so
// "sign-ins / this peer's verifications" is the share the sign-in engine itself costs, with the
// load generator's and HTTP's share taken out of the reference (issue 22: "show it by running
// the raw-argon2 reference under the same load-generator conditions"). docs/performance.md.
import * as argon2 from '@node-rs/argon2';
import Fastify from 'fastify';

const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 };
const threads = Number(process.argv[3] ?? 2);
const hash = await argon2.hash('bench passphrase 0123456789', PARAMS);
let active = 0;
const waiting = [];
const acquire = () => (active < threads ? (active++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
const release = () => {
  const next = waiting.shift();
  if (next) next();
  else active--;
};

const app = Fastify({ logger: false });
app.get('/ready', async () => ({ ok: true }));
app.post('/api/v3/signin', async (req, reply) => {
  const password = req.body?.passwordPayload?.password;
  if (typeof password !== 'string') return reply.code(400).send({ statusCode: 400 });
  await acquire();
  try {
    const ok = await argon2.verify(hash, password);
    return { statusCode: ok ? 200 : 401, data: {} };
  } finally {
    release();
  }
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
