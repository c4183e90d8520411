import { generateKeyPairSync, sign } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import { SignJWT, jwtVerify, generateKeyPair } from 'jose';
import { ARGON2_PARAMS } from '../../apps/server/src/services/passwords/hasher.js';

/**
 * The physical limits, measured in the bench process right before the scenarios so every
 * scenario figure can be read as a ratio that survives a noisy machine.
 */
export interface Limits {
  /** `cpuMsPerHash`: this process's CPU per hash over the window (the hashing threads and the loop that feeds them). */
  argon2: { params: typeof ARGON2_PARAMS; threads: number; hashesPerS: number; perThread: number; cpuMsPerHash: number };
  jwt: { alg: 'ES256'; signsPerS: number; signsPerCpuS: number; verifiesPerS: number; verifiesPerCpuS: number };
  /** RSA-2048 SHA-256 signatures (node:crypto, what xml-crypto calls for the SAML key); absent in runs without the SAML scenario. */
  rsa?: { bits: 2048; signsPerCpuS: number };
}

/** Raw argon2id with the server's own parameters, on `threads` concurrent jobs (the server's hashing pool size). */
export async function argon2Rate(threads: number, seconds: number): Promise<Limits['argon2']> {
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (Date.now() < deadline) {
        await argon2.hash(`bench password ${n}`, { ...ARGON2_PARAMS, algorithm: 2 });
        n++;
      }
    }),
  );
  const rate = n / ((Date.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  return { params: ARGON2_PARAMS, threads, hashesPerS: rate, perThread: rate / threads, cpuMsPerHash: (c.user + c.system) / 1000 / Math.max(n, 1) };
}

async function timed(seconds: number, inFlight: number, op: () => Promise<unknown>): Promise<{ perS: number; perCpuS: number }> {
  const deadline = Date.now() + seconds * 1000;
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < deadline) {
        await op();
        n++;
      }
    }),
  );
  const wall = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { perS: n / wall, perCpuS: n / cpuS };
}

/** Raw ES256 JWT signs and verifies with `jose` (the library the server uses), 8 in flight. */
export async function jwtRates(seconds: number): Promise<Limits['jwt']> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const payload = { sub: 'user-0123456789', scope: 'openid profile email', client_id: 'bench-app-0123456789' };
  const sign = () => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }).setIssuedAt().setIssuer('http://127.0.0.1/oidc').setAudience('http://127.0.0.1/oidc').setExpirationTime('2h').setJti(String(Math.random())).sign(privateKey);
  const token = await sign();
  const s = await timed(seconds / 2, 8, sign);
  const v = await timed(seconds / 2, 8, () => jwtVerify(token, publicKey, { issuer: 'http://127.0.0.1/oidc' }));
  return { alg: 'ES256', signsPerS: s.perS, signsPerCpuS: s.perCpuS, verifiesPerS: v.perS, verifiesPerCpuS: v.perCpuS };
}

/**
 * Raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures per CPU-second (node:crypto, synchronous, as
 * xml-crypto signs a SAML Response and its Assertion with the pool's key): the floor of the SAML
 * scenario, which needs two per assertion.
 */
export function rsaRate(seconds: number): NonNullable<Limits['rsa']> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(64, 1);
  const c0 = process.cpuUsage();
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < deadline) {
    sign('sha256', data, privateKey);
    n++;
  }
  const cpu = process.cpuUsage(c0);
  return { bits: 2048, signsPerCpuS: n / ((cpu.user + cpu.system) / 1e6) };
}
