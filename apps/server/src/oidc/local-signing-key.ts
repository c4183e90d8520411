import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';

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
 * The token is byte for byte what jose would produce: oidc-provider builds the JWS itself for
 * an external key (lib/helpers/jwt.js: base64url of the same protected header and payload JSON),
 * and only the signature bytes come from here — RFC 7518 §3.4 wants ECDSA signatures as the
 * fixed-size R‖S concatenation (IEEE P1363), which `dsaEncoding: 'ieee-p1363'` gives; RS256 is
 * RSASSA-PKCS1-v1_5 with SHA-256 (§3.3), node:crypto's default for an RSA key. oidc-provider
 * verifies with `keyObject()`, the public half, and publishes the JWKS from it.
 *
 * What it does not change: the private key is still in this process's memory (as before); an
 * HSM or KMS would implement the same `sign` with a remote call.
 */
const SIGNERS: Record<string, (data: Uint8Array, key: KeyObject) => Buffer> = {
  ES256: (data, key) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  RS256: (data, key) => sign('sha256', data, key),
};

export class LocalSigningKey extends ExternalSigningKey {
  readonly #kid: string;
  readonly #alg: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #sign: (data: Uint8Array, key: KeyObject) => Buffer;

  private constructor(jwk: { kid: string; alg: string }, signer: (data: Uint8Array, key: KeyObject) => Buffer) {
    super();
    this.#kid = jwk.kid;
    this.#alg = jwk.alg;
    this.#privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
    this.#sign = signer;
  }

  /** The key for a private JWK of an algorithm signed here, or undefined (oidc-provider then uses the JWK itself). */
  static from(jwk: { kid?: unknown; alg?: unknown; d?: unknown }): LocalSigningKey | undefined {
    const signer = typeof jwk.alg === 'string' ? SIGNERS[jwk.alg] : undefined;
    if (!signer || typeof jwk.kid !== 'string' || !jwk.kid || typeof jwk.d !== 'string') return undefined;
    return new LocalSigningKey(jwk as { kid: string; alg: string }, signer);
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
    return this.#sign(data, this.#privateKey);
  }
}
