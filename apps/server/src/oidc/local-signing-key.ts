import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import { JWS_ALGS } from './jws-algorithms.js';

/**
 * One of a pool's signing keys, handed to oidc-provider as an `ExternalSigningKey` (its
 * `features.externalSigningSupport`, experimental-01) so that every JWT it signs — JWT access
 * tokens, ID tokens, signed userinfo and introspection answers — is signed here with one
 * synchronous node:crypto call instead of WebCrypto. oidc-provider's own path goes through jose's
 * `crypto.subtle.sign`, which costs the event loop ~75 µs per ES256 signature (algorithm
 * normalisation, WebIDL conversion, a promise and a thread-pool job) on top of the ~35 µs the
 * signature itself takes on the pool; `sign()` here costs ~35 µs in all (issue #22: a
 * client-credentials token is one signature, a sign-in or a refresh two).
 *
 * The token's header and payload are byte for byte what jose would produce (an ECDSA signature
 * differs on every call anyway): oidc-provider builds the JWS itself for an external key (lib/helpers/jwt.js: base64url of the same protected header and payload JSON),
 * and only the signature bytes come from here, in the encoding of jws-algorithms.ts (the table
 * the access-token verifier uses too). oidc-provider verifies with `keyObject()`, the public
 * half, and publishes the JWKS from it.
 *
 * What it does not change: the private key is still in this process's memory (as before); an
 * HSM or KMS would implement the same `sign` with a remote call.
 */
export class LocalSigningKey extends ExternalSigningKey {
  readonly #kid: string;
  readonly #alg: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #dsaEncoding: 'ieee-p1363' | undefined;

  private constructor(jwk: { kid: string; alg: string }, dsaEncoding: 'ieee-p1363' | undefined) {
    super();
    this.#kid = jwk.kid;
    this.#alg = jwk.alg;
    this.#privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
    this.#dsaEncoding = dsaEncoding;
  }

  /** The key for a private JWK of an algorithm signed here, or undefined (oidc-provider then uses the JWK itself). */
  static from(jwk: { kid?: unknown; alg?: unknown; kty?: unknown; d?: unknown }): LocalSigningKey | undefined {
    const alg = typeof jwk.alg === 'string' ? JWS_ALGS[jwk.alg] : undefined;
    if (!alg || jwk.kty !== alg.kty || typeof jwk.kid !== 'string' || !jwk.kid || typeof jwk.d !== 'string') return undefined;
    return new LocalSigningKey(jwk as { kid: string; alg: string }, alg.dsaEncoding);
  }

  override get kid(): string {
    return this.#kid;
  }

  override get alg(): string {
    return this.#alg;
  }

  override keyObject(): KeyObject {
    return this.#publicKey;
  }

  override sign(data: Uint8Array): Buffer {
    return sign('sha256', data, this.#dsaEncoding ? { key: this.#privateKey, dsaEncoding: this.#dsaEncoding } : this.#privateKey);
  }
}
