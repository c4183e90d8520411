/** RFC 7636 helpers. The server creates the verifier; connectors only forward the challenge. */
import { createHash, randomBytes } from 'node:crypto';

/** A 43-character verifier from 32 random bytes (RFC 7636 §4.1: 43–128 unreserved characters). */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** `BASE64URL(SHA256(verifier))`, RFC 7636 §4.2 (S256; `plain` is never used). */
export function pkceChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
