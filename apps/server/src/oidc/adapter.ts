import { createHash } from 'node:crypto';
import { errors } from 'oidc-provider';
// @ts-expect-error -- internal module of oidc-provider (no types): the AsyncLocalStorage holding the
// request context its models run under (the same one fast-refresh-token.ts enters).
import als from 'oidc-provider/lib/helpers/als.js';
import { kvGetMany, type KvStore } from '../storage/kv/types.js';
import { hasPrivateClaim, payloadOfVerified, type JwtVerifier, type VerifiedAccessToken } from './jwt-access-tokens.js';

/**
 * oidc-provider storage adapter on our KV store (memory, SQL `kv` table or Redis), so every
 * node behind a load balancer sees the same codes, sessions, grants and tokens.
 *
 * Keys (all under the pool's scoped KV view, so pools never share a key):
 *   oidc:<Model>:<id>          the payload (JSON), TTL = the model's expiry
 *   oidc:consumed:<Model>:<id> set once, atomically, when a code/refresh token is consumed
 *   oidc:uid:<uid>             Session uid → id
 *   oidc:userCode:<code>       DeviceCode user code → id
 *   oidc:grant-revoked:<grant> tombstone: the grant was destroyed; it and every token of it are gone
 *   oidc:grant-tokens-revoked:<grant>  epoch ms: every token of that grant stored until then is gone
 *                              (revokeByGrantId); the grant itself and later tokens of it stay valid
 *   oidc:account-revoked:<acc> epoch ms: every record of that account stored until then is gone
 *   oidc:seen:<session id>     a browser session's last use (epoch ms), living `sessionIdleMs`:
 *                              when it has expired the session is idle and treated as gone
 *   oidc:denied:<jti>          a revoked JWT access token (deny-list), living the token's remaining life
 *
 * JWT access tokens are not stored (jwt-access-tokens.ts): `find` verifies the presented JWT with
 * the pool's keys and rebuilds the record from its claims, then reads only the deny-list entry
 * and the tombstones that can hide it — one KV read. Tokens minted before this (no private
 * claim) still have a stored reference record, found by the exact value's digest.
 *
 * Revocation uses tombstones rather than per-grant member lists: one atomic write, no
 * read-modify-write race between nodes, works on every KV backend. Reads check the
 * tombstones, so a revoked token is invisible immediately everywhere. Time-based tombstones
 * compare with the millisecond time a record was first stored (`gh:ts`, kept across re-saves),
 * not with the token's `iat` (whole seconds): a token issued in the same second right after a
 * revocation (e.g. an SSO re-authorization after revoking an access token, which keeps the
 * grant) must stay valid.
 */

/** Models that belong to a grant (revokeByGrantId applies). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'ClientCredentials']);
/** Models with single-use semantics (consume). */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/** Models whose tokens are JWTs (not stored; deny-listed by jti when revoked). */
const JWT_MODELS = new Set(['AccessToken', 'ClientCredentials']);
/** Models that carry an accountId and die with a user's sessions. */
const ACCOUNT_BOUND = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'Grant', 'Session', 'BackchannelAuthenticationRequest']);

/** Fallback lifetime for a payload stored without expiry (oidc-provider always passes one for ours). */
const FALLBACK_TTL_S = 14 * 86400;
/** How long revocation tombstones are kept: longer than any refresh token or grant may live. */
export const TOMBSTONE_TTL_MS = 400 * 86400 * 1000;

/** Marker field holding the digest of a JWT access token value (reference records of tokens minted before JWTs went unstored). */
export const JWT_VALUE_DIGEST = 'gh:vd';
/** Field holding the epoch ms when a record was first stored (compared with time-based tombstones). */
const STORED_AT = 'gh:ts';
/**
 * Models the provider saves again under the same id; their first-stored time is kept. Not
 * RefreshToken: oidc-provider saves one only when it is created (lib/helpers/grant_common.js,
 * lib/actions/grants/refresh_token.js: a rotation saves a new token under a new id).
 */
const RESAVED = new Set(['Session', 'Grant', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/**
 * Single-use models whose find() also reads their grant's record, for the Grant.find that
 * oidc-provider's token endpoint makes next in the same request (refresh_token and
 * authorization_code grants: validateGrant).
 */
const GRANT_PREFETCH = new Set(['RefreshToken', 'AuthorizationCode']);
/**
 * Ids of records being saved for the first time by Gatehouse's own code (the token service's
 * grants): their upsert skips the read of a previous record, which cannot exist. Ids are random
 * (oidc-provider's token ids), so an entry names one record; the saver removes it afterwards.
 */
const FIRST_SAVES = new Set<string>();
export async function firstSave<T>(id: string, save: () => Promise<T>): Promise<T> {
  FIRST_SAVES.add(id);
  try {
    return await save();
  } finally {
    FIRST_SAVES.delete(id);
  }
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

type Payload = Record<string, unknown> & { grantId?: string; accountId?: string; iat?: number; userCode?: string; uid?: string };

export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string, expSeconds?: number): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface KvAdapterOptions {
  /** Called for a model handled elsewhere (Client comes from our applications). */
  special?: Record<string, OidcAdapter>;
  /**
   * Idle timeout of browser sessions (ms): a Session not used for this long is treated as gone,
   * next to its absolute lifetime (the model's TTL). Unset: no idle timeout.
   */
  sessionIdleMs?: number;
  /** Verifies the pool's JWT access tokens (jwt-access-tokens.ts); without it, no JWT is ever found. */
  jwt?: JwtVerifier;
}

/** Session payload marker: this session's idle time is tracked (sessions stored before that are not). */
const IDLE_TRACKED = 'gh:idle';
/** A session's last-use mark is renewed at most this often (a KV write per minute per active session, not per request). */
const SEEN_RENEW_MS = 60_000;
const SEEN = (sessionId: string) => `oidc:seen:${sessionId}`;

/** Pulls the `jti` out of a compact JWT without trusting it (the stored digest is what authenticates it). */
function jtiOfJwt(value: string): string | undefined {
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const body = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof body.jti === 'string' && body.jti.length > 0 && body.jti.length <= 128 ? body.jti : undefined;
  } catch {
    return undefined;
  }
}

/** Keys of the revocation tombstones (see the header). */
const GRANT_REVOKED = (grantId: string) => `oidc:grant-revoked:${grantId}`;
const GRANT_TOKENS_REVOKED = (grantId: string) => `oidc:grant-tokens-revoked:${grantId}`;
const ACCOUNT_REVOKED = (accountId: string) => `oidc:account-revoked:${accountId}`;
const DENIED = (jti: string) => `oidc:denied:${jti}`;

/** Grant- and account-level revocation state shared by all models of one pool. */
export function revocationMarks(kv: KvStore) {
  const epoch = async (key: string) => {
    const v = await kv.get(key);
    return v === null ? undefined : Number(v);
  };
  return {
    /** The grant is destroyed: it and every token of it are gone for good. */
    revokeGrant: (grantId: string) => kv.set(GRANT_REVOKED(grantId), '1', TOMBSTONE_TTL_MS),
    isGrantRevoked: async (grantId: string) => (await kv.get(GRANT_REVOKED(grantId))) !== null,
    /** Every token of the grant stored until `at` is gone; the grant (and SSO with it) stays. */
    revokeGrantTokens: (grantId: string, at = Date.now()) => kv.set(GRANT_TOKENS_REVOKED(grantId), String(at), TOMBSTONE_TTL_MS),
    grantTokensRevokedAt: (grantId: string) => epoch(GRANT_TOKENS_REVOKED(grantId)),
    revokeAccount: (accountId: string, at = Date.now()) => kv.set(ACCOUNT_REVOKED(accountId), String(at), TOMBSTONE_TTL_MS),
    accountRevokedAt: (accountId: string) => epoch(ACCOUNT_REVOKED(accountId)),
    /** A JWT access token is revoked until `expMs` (its own expiry; afterwards it is dead anyway). */
    denyJwt: (jti: string, expMs: number) => kv.set(DENIED(jti), '1', Math.max(1000, expMs - Date.now() + 1000)),
  };
}

/** When a record was first stored (ms); records written before `gh:ts` existed fall back to the end of their `iat` second. */
function storedAt(payload: Payload): number {
  const ts = payload[STORED_AT];
  if (typeof ts === 'number') return ts;
  return typeof payload.iat === 'number' ? payload.iat * 1000 + 999 : 0;
}

/** A Gatehouse JWT access token found valid, with the record of its grant when that grant would be found too. */
export interface JwtWithGrant {
  verified: VerifiedAccessToken;
  /** The token's record as the adapter's find() rebuilds it (what AccessToken/ClientCredentials.find start from). */
  token: Payload & { kind: string; clientId: string };
  /**
   * The grant's record as find('Grant') returns it; undefined when the token has no grant, or
   * when Grant.find would not find it (gone, destroyed, its account's sessions revoked) or it
   * belongs to another account (oidc-provider then treats the token as invalid).
   */
  grant?: Payload & { clientId?: string; exp?: number };
  /** The grant's record as stored (the text `grant` was parsed from): equal text, equal grant. */
  grantText?: string;
}

/**
 * The read of the lean userinfo and introspection (fast-endpoints.ts): a presented Gatehouse JWT
 * verified locally, then **one** KV read for everything the two find() calls oidc-provider's
 * handlers make — the token model's (deny-list entry, grant and grant-tokens tombstones, account
 * tombstone) and its Grant's (the grant record, the same grant and account tombstones) — instead
 * of three. The checks are find()'s, applied to the same keys; the contract tests run find() and
 * this side by side (adapter.contract.test.ts) and the lean handlers' answers are compared with
 * oidc-provider's (fast-endpoints.test.ts). Undefined: find() would not find the token either.
 */
export function createJwtReader(kv: KvStore, jwt: JwtVerifier) {
  return {
    /** A value verified before (remembered by the verifier): ours, without decoding it again. No signature check. */
    known: (value: string) => jwt.known(value),
    async find(value: string): Promise<JwtWithGrant | undefined> {
      const verified = jwt.verify(value);
      if (!verified) return undefined;
      const token = payloadOfVerified(verified) as JwtWithGrant['token'];
      const stored = verified.gh.t;
      const grantId = token.grantId;
      const accountId = token.kind === 'AccessToken' ? token.accountId : undefined;
      const keys = [DENIED(verified.jti)];
      if (grantId) keys.push(GRANT_REVOKED(grantId), GRANT_TOKENS_REVOKED(grantId), `oidc:Grant:${grantId}`);
      if (accountId) keys.push(ACCOUNT_REVOKED(accountId));
      const found = await kvGetMany(kv, keys);
      if (found[0] !== null) return undefined;
      const accountRevokedAt = accountId ? found[grantId ? 4 : 1]! : null;
      if (accountRevokedAt !== null && stored <= Number(accountRevokedAt)) return undefined;
      if (!grantId) return { verified, token };
      const [, grantRevoked, tokensRevokedAt, rawGrant] = found;
      if (grantRevoked !== null) return undefined;
      if (tokensRevokedAt !== null && stored <= Number(tokensRevokedAt)) return undefined;
      if (rawGrant === null || rawGrant === undefined) return { verified, token };
      const grant = JSON.parse(rawGrant) as Payload & { kind?: string };
      // find('Grant') reads the tombstones of the grant's own account; they are the ones read
      // above only when it is the token's account (otherwise the token is invalid for oidc-provider anyway).
      if (grant.kind !== 'Grant' || grant.accountId !== token.accountId) return { verified, token };
      if (accountRevokedAt !== null && storedAt(grant) <= Number(accountRevokedAt)) return { verified, token };
      delete grant[STORED_AT];
      return { verified, token, grant, grantText: rawGrant };
    },
  };
}
export type JwtReader = ReturnType<typeof createJwtReader>;

/**
 * Returns the adapter factory oidc-provider expects (`adapter: (name) => instance`). `kv` must
 * already be scoped to one pool (storage/kv/scoped.ts).
 */
export function createKvAdapterFactory(kv: KvStore, opts: KvAdapterOptions = {}) {
  const marks = revocationMarks(kv);
  const idleMs = opts.sessionIdleMs;

  /**
   * What this process last read or wrote of a re-saved record (by key; bounded): when it was
   * first stored, and for a Session the uid and expiry its uid index was written with and its
   * last-use mark. oidc-provider finds the browser's Session at the start of every request that
   * goes through its session middleware and saves it again at the end (lib/shared/session.js);
   * with this the save reads no previous record, and rewrites neither the uid index when it would
   * write the same uid with the same expiry (a signed-in session's lifetime is absolute,
   * provider.ts ttl.Session) nor the last-use mark when it was renewed less than a minute ago
   * (SEEN_RENEW_MS, the bound find() keeps too). Only ever an omitted write of what the store
   * holds already: a record another node destroyed meanwhile is, if re-saved here, without its
   * uid index and last-use mark, so it is not found again — the safe side.
   */
  type Known = { stamp?: number; uid?: string; exp?: number; seen?: number };
  const known = new Map<string, Known>();
  const remember = (key: string, payload: Payload, stamp: unknown, seen: number | undefined) => {
    if (known.size >= 10_000) known.clear();
    known.set(key, {
      stamp: typeof stamp === 'number' ? stamp : undefined,
      uid: typeof payload.uid === 'string' ? payload.uid : undefined,
      exp: typeof payload.exp === 'number' ? payload.exp : undefined,
      seen,
    });
  };
  /**
   * Grant records read together with a refresh token or code (GRANT_PREFETCH), for the Grant.find
   * of the **same request** only: keyed by oidc-provider's request context (its AsyncLocalStorage),
   * taken once. The same keys find('Grant') would read a moment later, read in one statement with
   * the token's; outside a request context nothing is kept.
   */
  type Prefetched = { raw: string | null; accountId?: string; accountRevokedAt: string | null };
  const prefetched = new WeakMap<object, Map<string, Prefetched>>();
  const requestContext = (): object | undefined => (als as { getStore(): object | undefined }).getStore();
  const takePrefetched = (grantId: string): Prefetched | undefined => {
    const context = requestContext();
    const byGrant = context === undefined ? undefined : prefetched.get(context);
    const p = byGrant?.get(grantId);
    byGrant?.delete(grantId);
    return p;
  };

  class KvAdapter implements OidcAdapter {
    /**
     * Expiry (epoch s) of single-use records this adapter just found: oidc-provider consumes a
     * code or refresh token right after finding it in the same request, and the consumed mark
     * must live as long as the record — known from the record, so consume() needs no TTL read.
     * Bounded; a miss falls back to reading the TTL.
     */
    private readonly foundExp = new Map<string, number>();

    constructor(private readonly model: string) {}

    private key(id: string) {
      return `oidc:${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const ttlMs = (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : FALLBACK_TTL_S) * 1000;
      const key = this.key(id);
      const resaved = RESAVED.has(this.model) && !FIRST_SAVES.has(id);
      const prior = resaved ? known.get(key) : undefined;
      let stamp = Date.now();
      if (prior?.stamp !== undefined) stamp = prior.stamp;
      else if (resaved) {
        const prev = await kv.get(key);
        const prevTs = prev === null ? undefined : (JSON.parse(prev) as Payload)[STORED_AT];
        if (typeof prevTs === 'number') stamp = prevTs;
      }
      const tracked = this.model === 'Session' && idleMs !== undefined;
      let seen = prior?.seen;
      // The last-use mark first: a session is never visible without it.
      if (tracked && !(seen !== undefined && Date.now() - seen < Math.min(SEEN_RENEW_MS, idleMs))) {
        seen = Date.now();
        await kv.set(SEEN(id), String(seen), Math.min(idleMs, ttlMs));
      }
      await kv.set(key, JSON.stringify({ ...payload, [STORED_AT]: stamp, ...(tracked ? { [IDLE_TRACKED]: 1 } : {}) }), ttlMs);
      const uid = this.model === 'Session' && typeof payload.uid === 'string' ? payload.uid : undefined;
      if (uid !== undefined && !(prior?.uid === uid && prior.exp === payload.exp)) await kv.set(`oidc:uid:${uid}`, id, ttlMs);
      if (typeof payload.userCode === 'string') await kv.set(`oidc:userCode:${payload.userCode}`, id, ttlMs);
      if (RESAVED.has(this.model)) remember(key, payload, stamp, tracked ? seen : undefined);
    }

    async find(id: string): Promise<Payload | undefined> {
      if (typeof id !== 'string' || id.length === 0 || id.length > 4096) return undefined;
      let lookup = id;
      let presentedJwt = false;
      let payload: Payload;
      let denyKey: string | undefined;
      let seenMark: string | null = null;
      let pre: Prefetched | undefined;
      if (JWT_MODELS.has(this.model) && id.includes('.') && hasPrivateClaim(id)) {
        // Not stored: verified locally, the record rebuilt from the claims.
        const token = opts.jwt?.verify(id);
        if (!token) return undefined;
        payload = payloadOfVerified(token);
        if (payload.kind !== this.model) return undefined;
        payload[STORED_AT] = token.gh.t;
        lookup = token.jti;
        denyKey = DENIED(token.jti);
      } else {
        if (JWT_MODELS.has(this.model) && id.includes('.')) {
          const jti = jtiOfJwt(id);
          if (!jti) return undefined;
          lookup = jti;
          presentedJwt = true;
        }
        let raw: string | null;
        if (this.model === 'Session' && idleMs !== undefined) {
          // The session and its last-use mark in one read (the mark is checked below).
          [raw, seenMark] = (await kvGetMany(kv, [this.key(lookup), SEEN(lookup)])) as [string | null, string | null];
        } else if (this.model === 'Grant' && (pre = takePrefetched(lookup)) !== undefined) {
          raw = pre.raw;
        } else raw = await kv.get(this.key(lookup));
        if (raw === null) return undefined;
        payload = JSON.parse(raw) as Payload;
      }

      // A JWT access token is found only by its full value, never by its jti alone: the
      // stored digest must match what was presented (a forged JWT with a known jti fails).
      const digest = payload[JWT_VALUE_DIGEST];
      if (typeof digest === 'string' || presentedJwt) {
        if (!presentedJwt || digest !== sha256(id)) return undefined;
        delete payload[JWT_VALUE_DIGEST];
      }

      const stored = storedAt(payload);
      const firstStored = payload[STORED_AT];
      delete payload[STORED_AT];
      let seen: number | undefined;
      if (this.model === 'Session' && payload[IDLE_TRACKED]) {
        delete payload[IDLE_TRACKED];
        if (idleMs !== undefined) {
          seen = await this.stillActive(lookup, seenMark);
          if (seen === undefined) return undefined;
        }
      }
      if (RESAVED.has(this.model)) {
        remember(this.key(lookup), payload, firstStored, seen);
      }
      // Every tombstone that can hide this record, and its consumed mark, in one KV read.
      const grantId = GRANTABLE.has(this.model) && payload.grantId ? payload.grantId : this.model === 'Grant' ? lookup : undefined;
      const accountId = ACCOUNT_BOUND.has(this.model) && payload.accountId ? payload.accountId : undefined;
      const keys: string[] = [];
      const at = (key: string) => keys.push(key) - 1;
      const iGrant = grantId !== undefined ? at(GRANT_REVOKED(grantId)) : -1;
      const iGrantTokens = grantId !== undefined && this.model !== 'Grant' ? at(GRANT_TOKENS_REVOKED(grantId)) : -1;
      const iAccount = accountId !== undefined ? at(ACCOUNT_REVOKED(accountId)) : -1;
      const iConsumed = CONSUMABLE.has(this.model) ? at(`oidc:consumed:${this.model}:${lookup}`) : -1;
      const iDenied = denyKey !== undefined ? at(denyKey) : -1;
      const context = GRANT_PREFETCH.has(this.model) && grantId !== undefined ? requestContext() : undefined;
      const iGrantRecord = context !== undefined ? at(`oidc:Grant:${grantId}`) : -1;
      if (keys.length === 0) return payload;
      // The grant's find, served from what was read with its token (same request, see
      // `prefetched`) when the grant belongs to the token's account: its tombstone was absent
      // then (else the token was not found) and its account's is the one read. Otherwise read.
      const found =
        pre !== undefined && pre.accountId === accountId
          ? keys.map((_, i) => (i === iAccount ? pre!.accountRevokedAt : null))
          : await kvGetMany(kv, keys);
      const mark = (i: number) => (i < 0 ? null : (found[i] ?? null));
      if (mark(iDenied) !== null) return undefined;
      if (mark(iGrant) !== null) return undefined;
      const tokensRevokedAt = mark(iGrantTokens);
      if (tokensRevokedAt !== null && stored <= Number(tokensRevokedAt)) return undefined;
      const accountRevokedAt = mark(iAccount);
      if (accountRevokedAt !== null && stored <= Number(accountRevokedAt)) return undefined;
      if (context !== undefined) {
        let byGrant = prefetched.get(context);
        if (!byGrant) prefetched.set(context, (byGrant = new Map()));
        byGrant.set(grantId!, { raw: mark(iGrantRecord), accountId, accountRevokedAt });
      }
      const consumed = mark(iConsumed);
      if (consumed !== null) payload.consumed = Number(consumed);
      else if (iConsumed >= 0 && typeof payload.exp === 'number') {
        if (this.foundExp.size >= 10_000) this.foundExp.clear();
        this.foundExp.set(lookup, payload.exp);
      }
      return payload;
    }

    /**
     * Idle timeout: the session's last-use mark (read with the session) is alive; renews it
     * (bounded to once a minute). The mark's time as it now stands, or undefined: idle, gone.
     */
    private async stillActive(sessionId: string, seen: string | null): Promise<number | undefined> {
      if (seen === null) return undefined;
      if (Date.now() - Number(seen) > SEEN_RENEW_MS) {
        const left = await kv.ttl(this.key(sessionId));
        if (left !== null) {
          const now = Date.now();
          await kv.set(SEEN(sessionId), String(now), Math.min(idleMs!, left));
          return now;
        }
      }
      return Number(seen);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = await kv.get(`oidc:uid:${uid}`);
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = await kv.get(`oidc:userCode:${userCode}`);
      return id === null ? undefined : this.find(id);
    }

    /**
     * Atomic single use: the first consume wins on every backend (setIfAbsent). A loser is a
     * concurrent replay of the same code or refresh token, treated exactly like a sequential
     * one: the grant is revoked and the request fails with invalid_grant.
     */
    async consume(id: string): Promise<void> {
      const exp = this.foundExp.get(id);
      this.foundExp.delete(id);
      const left = exp === undefined ? null : exp * 1000 - Date.now();
      const ttl = left !== null && left > 0 ? left : ((await kv.ttl(this.key(id))) ?? 60_000);
      const won = await kv.setIfAbsent(`oidc:consumed:${this.model}:${id}`, String(Math.floor(Date.now() / 1000)), ttl);
      if (!won) {
        const raw = await kv.get(this.key(id));
        const grantId = raw ? (JSON.parse(raw) as Payload).grantId : undefined;
        if (grantId) await marks.revokeGrant(grantId);
        throw new errors.InvalidGrant('grant already used');
      }
    }

    /**
     * `expSeconds`: the token's expiry, passed by the JWT models (provider.ts denyOnDestroy), so
     * a revoked JWT access token stays on the deny-list exactly as long as it could be presented.
     */
    async destroy(id: string, expSeconds?: number): Promise<void> {
      known.delete(this.key(id));
      if (this.model === 'Grant') await marks.revokeGrant(id);
      if (JWT_MODELS.has(this.model)) await marks.denyJwt(id, (typeof expSeconds === 'number' ? expSeconds : Math.floor(Date.now() / 1000) + FALLBACK_TTL_S) * 1000);
      const raw = await kv.take(this.key(id));
      if (raw === null) return;
      const payload = JSON.parse(raw) as Payload;
      if (this.model === 'Session' && typeof payload.uid === 'string') await kv.del(`oidc:uid:${payload.uid}`);
      if (this.model === 'Session') await kv.del(SEEN(id));
      if (typeof payload.userCode === 'string') await kv.del(`oidc:userCode:${payload.userCode}`);
    }

    /**
     * oidc-provider calls this on every token model of a grant (revoked token, refresh-token
     * replay, logout) and destroys the Grant separately when its policy says so (destroy()).
     * Tokens stored until now die; the grant and tokens issued from it later stay valid.
     */
    async revokeByGrantId(grantId: string): Promise<void> {
      await marks.revokeGrantTokens(grantId);
    }
  }

  return (model: string): OidcAdapter => opts.special?.[model] ?? new KvAdapter(model);
}
