import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';

/**
 * Shared-KV state of SAML and CAS (any node continues what another started):
 *
 *  - pending requests: a SAML AuthnRequest or CAS login waiting for the sign-in, single use,
 *    10 minutes (the hosted login's own limit), bound to the browser by a cookie nonce (only its
 *    hash is stored) and to a PKCE verifier for the code that brings it back;
 *  - participants: the SAML service providers and CAS services a browser session has signed
 *    in to, so logout can reach each of them; they live as long as the session can (14 days).
 *    Updates are read-modify-write: two sign-ins finishing in the same instant for one browser
 *    session may lose one entry (that service is then not told about the logout).
 */
export const PENDING_TTL_MS = 10 * 60_000;
export const PARTICIPANTS_TTL_MS = 14 * 86_400_000;

export interface PendingBase {
  appId: string;
  createdAt: number;
  codeVerifier: string;
  nonceHash: string;
}

export type Participant =
  | { protocol: 'saml'; appId: string; nameId: string; nameIdFormat: string; sessionIndex: string }
  | { protocol: 'cas'; appId: string; service: string; ticket: string };

const hash = (s: string) => createHash('sha256').update(s).digest();

export function createSsoStore(kv: KvStore) {
  const scoped = (poolId: string) => scopedKv(kv, poolId);

  return {
    /** Stores a pending request; returns its handle (the OAuth `state`) and the browser nonce (the cookie value). */
    async putPending<T extends object>(poolId: string, kind: 'saml' | 'cas', rec: T & { appId: string }): Promise<{ handle: string; nonce: string; codeVerifier: string }> {
      const handle = randomBytes(24).toString('base64url');
      const nonce = randomBytes(24).toString('base64url');
      const codeVerifier = randomBytes(32).toString('base64url');
      const full = { ...rec, createdAt: Date.now(), codeVerifier, nonceHash: hash(nonce).toString('base64url') };
      await scoped(poolId).set(`sso:${kind}:req:${handle}`, JSON.stringify(full), PENDING_TTL_MS);
      return { handle, nonce, codeVerifier };
    },

    /**
     * Takes a pending request (atomic: a second continuation with the same handle finds nothing)
     * when the browser presents the nonce it was given; null otherwise.
     */
    async takePending<T extends object>(poolId: string, kind: 'saml' | 'cas', handle: unknown, nonce: unknown): Promise<(T & PendingBase) | null> {
      if (typeof handle !== 'string' || !/^[\w-]{32}$/.test(handle) || typeof nonce !== 'string' || nonce.length > 64) return null;
      const raw = await scoped(poolId).take(`sso:${kind}:req:${handle}`);
      if (!raw) return null;
      const rec = JSON.parse(raw) as T & PendingBase;
      const a = Buffer.from(rec.nonceHash, 'base64url');
      const b = hash(nonce);
      return a.length === b.length && timingSafeEqual(a, b) ? rec : null;
    },

    async addParticipant(poolId: string, sessionUid: string, p: Participant): Promise<Participant> {
      const key = `sso:session:${sessionUid}`;
      const list = JSON.parse((await scoped(poolId).get(key)) ?? '[]') as Participant[];
      const same = list.find((q) => q.protocol === p.protocol && q.appId === p.appId && (p.protocol === 'saml' || (q as { service: string }).service === (p as { service: string }).service));
      if (same && same.protocol === 'saml' && p.protocol === 'saml') return same; // keeps its SessionIndex for the whole session
      const next = [...list.filter((q) => q !== same), p].slice(-100);
      await scoped(poolId).set(key, JSON.stringify(next), PARTICIPANTS_TTL_MS);
      return p;
    },

    async participants(poolId: string, sessionUid: string): Promise<Participant[]> {
      return JSON.parse((await scoped(poolId).get(`sso:session:${sessionUid}`)) ?? '[]') as Participant[];
    },

    /** Removes and returns a session's participants (logout). */
    async takeParticipants(poolId: string, sessionUid: string): Promise<Participant[]> {
      return JSON.parse((await scoped(poolId).take(`sso:session:${sessionUid}`)) ?? '[]') as Participant[];
    },

    /** Front-channel logout progress (which service providers are still to be visited), single use per step. */
    async putLogout(poolId: string, state: object): Promise<string> {
      const handle = randomBytes(24).toString('base64url');
      await scoped(poolId).set(`sso:logout:${handle}`, JSON.stringify(state), PENDING_TTL_MS);
      return handle;
    },
    async takeLogout<T>(poolId: string, handle: unknown): Promise<T | null> {
      if (typeof handle !== 'string' || !/^[\w-]{32}$/.test(handle)) return null;
      const raw = await scoped(poolId).take(`sso:logout:${handle}`);
      return raw ? (JSON.parse(raw) as T) : null;
    },
  };
}
export type SsoStore = ReturnType<typeof createSsoStore>;
