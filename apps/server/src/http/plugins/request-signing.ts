import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { safeEqual } from '../../utils/crypto.js';
import type { Container } from '../../container/index.js';
import type { ManagementPrincipal } from '../types.js';
import { BEARER_RE, verifyAdministratorRequest } from './console-auth.js';

/**
 * Verifies management requests signed the way the vendor's `ManagementClient` signs them
 * (authing-node-sdk `src/utils/buildSignature.ts`, `ManagementHttpClient.ts`):
 *
 *   stringToSign = METHOD \n
 *                  sorted(`x-authing-*` and `date` headers as `name:value\n`)
 *                  path [? sorted `key=value` of the GET query or the top-level JSON body keys, objects JSON-encoded, joined by &]
 *   Authorization: authing <accessKeyId>:base64(HMAC-SHA1(accessKeySecret, stringToSign))
 *
 * On top of the vendor scheme we bound the `date` skew and remember each nonce for twice the
 * skew, so a captured request cannot be replayed. Not protected against: an attacker who can
 * read the secret (it must stay recoverable for HMAC, so it is sealed at rest, not hashed), or a
 * TLS-stripping man in the middle who alters an unsigned header (only `x-authing-*`/`date` are signed).
 */
const AUTH_RE = /^authing ([A-Za-z0-9_.-]{1,128}):([A-Za-z0-9+/=]{1,128})$/;
const DUMMY_SECRET = 'gatehouse-dummy-secret-for-unknown-keys';

const clean = (v: unknown) => (typeof v === 'string' ? v.replace(/[\t\n\r\f]/g, ' ') : String(v)).trim();

function canonicalHeaders(headers: FastifyRequest['headers']): string {
  return Object.keys(headers)
    .filter((k) => k.startsWith('x-authing-') || k === 'date')
    .sort()
    .map((k) => `${k}:${clean(headers[k])}\n`)
    .join('');
}

/** The client's `getCanonicalizedResource`: keys sorted, undefined skipped, objects JSON-encoded. */
export function canonicalResource(path: string, params: Record<string, unknown>): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return path;
  const parts: string[] = [];
  for (const k of keys) {
    const v = params[k];
    if (v === undefined) continue;
    parts.push(`${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
  }
  return `${path}?${parts.join('&')}`;
}

/** GET params exactly as the client had them before axios encoded them (`a[]=x&a[]=y` was an array). */
function queryParams(rawQuery: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    if (k.endsWith('[]')) {
      const key = k.slice(0, -2);
      const arr = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      arr.push(v);
      out[key] = arr;
    } else out[k] = v;
  }
  return out;
}

/**
 * The string the client must have signed. When the request carries no parameters, the vendor
 * `ManagementClient` still signs `<path>?` if it passed an object whose values were all
 * undefined (e.g. `getAccessKeyList({})`: axios drops them from the URL, the signer keeps the
 * `?`). `emptyQueryMark` builds that second form; it is accepted only for parameterless
 * requests, and the signature must still match it exactly.
 */
export function stringToSign(req: FastifyRequest, emptyQueryMark = false): string {
  const [path = '/', rawQuery = ''] = req.url.split('?', 2) as [string, string?];
  const params = signedParams(req, rawQuery);
  const resource = canonicalResource(path, params);
  return `${req.method}\n${canonicalHeaders(req.headers)}${emptyQueryMark && resource === path ? `${path}?` : resource}`;
}

function signedParams(req: FastifyRequest, rawQuery: string): Record<string, unknown> {
  const body = req.body;
  if (req.method === 'GET' || req.method === 'HEAD') return queryParams(rawQuery);
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** True when the request has no signed parameters, so `<path>?` is a second acceptable form. */
function parameterless(req: FastifyRequest): boolean {
  const [path = '/', rawQuery = ''] = req.url.split('?', 2) as [string, string?];
  return canonicalResource(path, signedParams(req, rawQuery)) === path;
}

const sign = (secret: string, text: string) => createHmac('sha1', secret).update(text, 'utf8').digest('base64');

/**
 * Verifies one signed management request and returns its principal; throws the catalogued
 * signing error otherwise. Also sets `req.management`. Used by the hook below and by routes
 * outside the management context that accept a management key among other callers.
 */
export async function verifySignedRequest(gh: Pick<Container, 'services' | 'kv' | 'config'>, req: FastifyRequest): Promise<ManagementPrincipal> {
  const { services, kv, config } = gh;
  const skewMs = config.signatureMaxSkewSeconds * 1000;
  const authorization = req.headers.authorization;
  // An unsigned call gets a code of the signing family (1300…), saying what is missing.
  if (!authorization) throw new AppError('signature.missing');
  const m = AUTH_RE.exec(authorization);
  if (!m) throw new AppError('signature.invalid');
  const [, accessKeyId, signature] = m as unknown as [string, string, string];

  const method = req.headers['x-authing-signature-method'];
  if (method !== undefined && method !== 'HMAC-SHA1') throw new AppError('signature.bad_method');
  const version = req.headers['x-authing-signature-version'];
  if (version !== undefined && version !== '1.0') throw new AppError('signature.bad_version');
  // Browsers may not set Date (a forbidden header for fetch): a signed x-authing-date stands in for it.
  const date = req.headers.date ?? (typeof req.headers['x-authing-date'] === 'string' ? req.headers['x-authing-date'] : undefined);
  if (!date) throw new AppError('signature.missing_date');
  const at = Date.parse(date);
  if (Number.isNaN(at)) throw new AppError('signature.bad_timestamp');
  if (Math.abs(Date.now() - at) > skewMs) throw new AppError('signature.clock_skew');
  const nonce = req.headers['x-authing-signature-nonce'];
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 128) throw new AppError('signature.missing_nonce');

  const key = await services.accessKeys.resolve(accessKeyId);
  // Unknown and disabled keys take the same path and error as a wrong signature.
  const secret = key?.secret ?? DUMMY_SECRET;
  let matches = safeEqual(sign(secret, stringToSign(req)), signature);
  if (!matches && parameterless(req)) matches = safeEqual(sign(secret, stringToSign(req, true)), signature);
  if (!matches || !key) throw new AppError('signature.invalid');

  const claimedPool = req.headers['x-authing-userpool-id'];
  if (typeof claimedPool === 'string' && claimedPool !== '' && claimedPool !== key.poolId) throw new AppError('signature.pool_mismatch');

  // Only a verified request may claim its nonce, so nobody can burn another client's nonces.
  const fresh = await kv.setIfAbsent(`sig-nonce:${accessKeyId}:${nonce}`, '1', 2 * skewMs);
  if (!fresh) throw new AppError('signature.replayed');

  req.management = { poolId: key.poolId, accessKeyId };
  // `gatehouse access-key list` shows when a key was last used; throttled, never fails the request.
  services.accessKeys.recordUse(accessKeyId).catch((err: unknown) => req.log.warn({ err }, 'recording the last use of an access key failed'));
  return req.management;
}

/** Adds the verification hook to every route registered in `app`'s encapsulation context. */
export function registerRequestSigning(app: FastifyInstance): void {
  // preValidation: after the body is parsed (the body is signed), before schema validation
  // (an unauthenticated caller learns nothing about the expected shapes).
  app.addHook('preValidation', async (req) => {
    // The console's administrators send their access token instead (plugins/console-auth.ts).
    if (BEARER_RE.test(req.headers.authorization ?? '')) await verifyAdministratorRequest(app.gh, req);
    else await verifySignedRequest(app.gh, req);
  });
}

/** The pool of a signed management request; only callable inside the signed context. */
export function managementPool(req: FastifyRequest): string {
  if (!req.management) throw new AppError('request.unauthenticated');
  return req.management.poolId;
}
