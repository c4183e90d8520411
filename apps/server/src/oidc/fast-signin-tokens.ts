import { hash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { ExternalSigningKey } from 'oidc-provider';
// @ts-expect-error -- internal module of oidc-provider (no types): its per-provider configuration and keystore.
import instance from 'oidc-provider/lib/helpers/weak_cache.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the deep merge IdToken#payload uses.
import merge from 'oidc-provider/lib/helpers/_/merge.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the pick Claims#result uses.
import pick from 'oidc-provider/lib/helpers/_/pick.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the id of a JWT access token (formats/jwt.js).
import nanoid from 'oidc-provider/lib/helpers/nanoid.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the check of extraTokenClaims' result.
import { extraTokenClaims as checkExtraClaims } from 'oidc-provider/lib/helpers/configuration_result.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the JWS its models sign with.
import * as JWT from 'oidc-provider/lib/helpers/jwt.js';
import { firstSave } from './adapter.js';
import { epochTime } from './fast-common.js';
import { PRIVATE_CLAIM, privateClaimsOf } from './jwt-access-tokens.js';

/**
 * The grant, the JWT access token and the ID token of a direct sign-in (token-service.ts), built
 * here instead of through oidc-provider's Grant, AccessToken and IdToken models. The models cost
 * the event loop more than the two JSON objects and two signatures they produce: constructors
 * that pick and copy every field, the claims mask, a deep merge, the resource server's key lookup
 * per token. Measured in a process that had just served the bench's sign-ins (docs/performance.md,
 * "Session 16"): the token service took 0.36–0.47 ms of event-loop CPU per sign-in with the
 * models, 0.17–0.32 ms with this file.
 *
 * The tokens are the ones the models issue, claim for claim and in the same order, and follow the
 * library step for step (oidc-provider 9):
 *  - access token: lib/models/formats/opaque.js + jwt.js (`{...extra, jti, sub, iat, exp, scope,
 *    client_id, iss, aud}`, then the format customizer's private claim, provider.ts), header
 *    `{alg, typ: 'at+jwt', kid}` (RFC 9068 §2.1);
 *  - ID token: lib/models/id_token.js (the claims of the granted scopes picked in the order the
 *    library's own Claims mask gives, merged with the extra claims, at_hash/c_hash/s_hash hashed
 *    for the algorithm, OIDC Core §3.1.3.6; `aud`, `exp`, `iat`, `iss`, `sub` as helpers/jwt.js
 *    sign sets them), header `{alg, kid}`.
 * test/oidc/fast-signin-tokens.test.ts signs in on two nodes, one with this path and one with
 * `oidcFastEndpoints: off` (the models), and compares both tokens' headers and claims.
 *
 * It serves only the common case and returns undefined otherwise, so the models issue the token
 * unchanged: a pairwise subject, an ID token signed with a client secret (HS*) or encrypted, an
 * algorithm without a digest below, or a signing key that is not one of the pool's local keys
 * (local-signing-key.ts). The grant is stored as the Grant model stores it (revocation and refresh
 * read it); a refresh token is still the model's.
 *
 * What it does not do: emit oidc-provider's `grant.saved` and `access_token.issued` events
 * (nothing in Gatehouse listens to them; the token service writes its own audit event).
 */

type SignInClient = {
  clientId: string;
  subjectType?: string;
  idTokenSignedResponseAlg?: string;
  idTokenEncryptedResponseEnc?: string;
};

type Keystore = { selectForSign(o: { alg: string; use: 'sig' }): unknown[]; getKeyObject(k: unknown): unknown };
type ProviderInternals = {
  keystore: Keystore;
  configuration: { extraTokenClaims: (ctx: undefined, token: object) => unknown };
};

/** The digest of at_hash for a JWS algorithm (OIDC Core §3.1.3.6: the hash of the alg's size). */
const HASH_OF: Record<string, string> = { ES256: 'sha256', RS256: 'sha256', PS256: 'sha256', ES384: 'sha384', RS384: 'sha384', PS384: 'sha384', ES512: 'sha512', RS512: 'sha512', PS512: 'sha512' };
const HASHED_CLAIMS = ['at_hash', 'c_hash', 's_hash'] as const;

type JwtSign = (payload: object, key: ExternalSigningKey, alg: string, options: object) => Promise<string>;
/** helpers/jwt.js `sign`: the header and payload encoding, and the claims it sets from `options`, are the models' own. */
const sign = (JWT as { sign: JwtSign }).sign;

export interface LeanAccessTokenInput {
  userId: string;
  grantId: string;
  scope: string;
  /** The resource (audience) and its token lifetime, as the resource server the model would get. */
  resource: string;
  accessTokenTTL: number;
  gty: string;
}

export interface LeanIdTokenInput {
  /** Every claim the account offers, with amr / acr / auth_time: the IdToken's `available`. */
  available: Record<string, unknown>;
  scope: string;
  /** at_hash (the raw access token), nonce and hooks' claims, in that order: the IdToken's `extra`. */
  extra: Record<string, unknown>;
}

export interface LeanGrantInput {
  userId: string;
  scope: string;
  resource: string;
}

export interface LeanSignInTokens {
  /** Stores the sign-in's Grant (the record models/grant.js saves) and gives its id. */
  grant(input: LeanGrantInput): Promise<string>;
  accessToken(input: LeanAccessTokenInput): Promise<{ value: string; expiresIn: number }>;
  idToken(input: LeanIdTokenInput): Promise<string>;
}

/** Per provider: its local ES256 key for access tokens and the claim order of each scope. */
interface ProviderFacts {
  accessTokenKey: ExternalSigningKey | undefined;
  idTokenKeys: Map<string, ExternalSigningKey | undefined>;
  include: Map<string, string[]>;
}
const facts = new WeakMap<Provider, ProviderFacts>();

function factsOf(provider: Provider): ProviderFacts {
  let f = facts.get(provider);
  if (!f) {
    f = { accessTokenKey: localKey(provider, 'ES256'), idTokenKeys: new Map(), include: new Map() };
    facts.set(provider, f);
  }
  return f;
}

/** The key oidc-provider would sign with for `alg` (its keystore's first choice), when it is a local key. */
function localKey(provider: Provider, alg: string): ExternalSigningKey | undefined {
  const { keystore } = instance(provider) as ProviderInternals;
  const [jwk] = keystore.selectForSign({ alg, use: 'sig' });
  const key = jwk === undefined ? undefined : keystore.getKeyObject(jwk);
  return key instanceof ExternalSigningKey ? key : undefined;
}

/**
 * The claims an ID token of `scope` carries, in the order the library's Claims mask picks them:
 * asked of the mask itself once per scope, with every supported claim present.
 */
async function includedClaims(provider: Provider, client: SignInClient, scope: string, f: ProviderFacts): Promise<string[]> {
  let names = f.include.get(scope);
  if (!names) {
    const supported = (instance(provider) as { configuration: { claimsSupported: Set<string> } }).configuration.claimsSupported;
    const probe = Object.fromEntries([...supported].map((k) => [k, k]));
    const Claims = (provider as unknown as { Claims: new (a: object, o: { client: SignInClient }) => { scope(s: string): { result(): Promise<object> } } }).Claims;
    names = Object.keys(await new Claims(probe, { client }).scope(scope).result());
    f.include.set(scope, names);
  }
  return names;
}

/** The lean minter for one client of a provider, or undefined when the models must issue (see above). */
export function leanSignInTokens(provider: Provider, client: SignInClient): LeanSignInTokens | undefined {
  const f = factsOf(provider);
  const atKey = f.accessTokenKey;
  const alg = client.idTokenSignedResponseAlg;
  if (!atKey || client.subjectType === 'pairwise' || !alg || client.idTokenEncryptedResponseEnc || !HASH_OF[alg]) return undefined;
  if (!f.idTokenKeys.has(alg)) f.idTokenKeys.set(alg, localKey(provider, alg));
  const idKey = f.idTokenKeys.get(alg);
  if (!idKey) return undefined;
  const internals = instance(provider) as ProviderInternals;
  const models = provider as unknown as {
    Grant: { expiresIn(ctx: undefined, token: object, client: SignInClient): number; adapter: { upsert(id: string, payload: object, expiresIn: number): Promise<void> }; prototype: { generateTokenId(this: object): string } };
    AccessToken: { expiresIn(ctx: undefined, token: object, client: SignInClient): number };
    IdToken: { expiresIn(ctx: undefined, token: object, client: SignInClient): number };
  };

  return {
    async grant(input) {
      // models/grant.js via base_token.js and formats/opaque.js: an opaque id, the lifetime of
      // ttl.Grant, the payload `{iat, exp, accountId, clientId, kind, jti, openid, resources}`.
      const token = { kind: 'Grant', accountId: input.userId, clientId: client.clientId };
      const jti = models.Grant.prototype.generateTokenId.call(token);
      const ttl = models.Grant.expiresIn(undefined, token, client);
      const iat = epochTime();
      const payload = { iat, exp: iat + ttl, accountId: input.userId, clientId: client.clientId, kind: 'Grant', jti, openid: { scope: input.scope }, resources: { [input.resource]: input.scope } };
      // A new grant: the adapter knows there is no earlier record to read (adapter.ts).
      await firstSave(jti, () => models.Grant.adapter.upsert(jti, payload, ttl));
      return jti;
    },

    async accessToken(input) {
      // What the AccessToken would hold: formats/opaque.js asks extraTokenClaims of the token
      // (provider.ts: user scripts' claims, which read accountId and clientId).
      const token = { kind: 'AccessToken', accountId: input.userId, clientId: client.clientId, grantId: input.grantId, scope: input.scope, gty: input.gty, aud: input.resource, resourceServer: { accessTokenTTL: input.accessTokenTTL } };
      const expiresIn = models.AccessToken.expiresIn(undefined, token, client);
      const extra = checkExtraClaims(await internals.configuration.extraTokenClaims(undefined, token)) as Record<string, unknown> | undefined;
      const iat = epochTime();
      const payload: Record<string, unknown> = {
        ...extra,
        jti: (nanoid as () => string)(),
        sub: input.userId,
        iat,
        exp: iat + expiresIn,
        scope: input.scope || undefined,
        client_id: client.clientId,
        iss: provider.issuer,
        aud: input.resource,
      };
      payload[PRIVATE_CLAIM] = privateClaimsOf(token);
      return { value: await sign(payload, atKey, 'ES256', { typ: 'at+jwt', fields: { kid: atKey.kid } }), expiresIn };
    },

    async idToken(input) {
      const picked = pick(input.available, ...(await includedClaims(provider, client, input.scope, f))) as Record<string, unknown>;
      const payload = merge({}, picked, input.extra) as Record<string, unknown>;
      for (const claim of HASHED_CLAIMS) {
        const v = payload[claim];
        if (v) {
          const digest = hash(HASH_OF[alg]!, v as string, 'buffer');
          payload[claim] = digest.subarray(0, digest.byteLength / 2).toString('base64url');
        }
      }
      return sign(payload, idKey, alg, {
        audience: client.clientId,
        expiresIn: models.IdToken.expiresIn(undefined, {}, client),
        issuer: provider.issuer,
        subject: payload.sub,
        fields: { kid: idKey.kid },
      });
    },
  };
}
