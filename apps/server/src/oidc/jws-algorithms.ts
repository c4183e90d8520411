/**
 * The JWS algorithms of a pool's own keys (oidc/signing-keys.ts) as node:crypto signs and
 * verifies them, shared by the local signer (local-signing-key.ts) and the access-token verifier
 * (jwt-access-tokens.ts): both are SHA-256, and ECDSA signatures are the fixed-size R‖S
 * concatenation RFC 7518 §3.4 requires (`dsaEncoding: 'ieee-p1363'`, not node's DER default);
 * RS256 is RSASSA-PKCS1-v1_5 (§3.3), node's default for an RSA key.
 */
export const JWS_ALGS: Record<string, { kty: string; dsaEncoding?: 'ieee-p1363' }> = {
  ES256: { kty: 'EC', dsaEncoding: 'ieee-p1363' },
  RS256: { kty: 'RSA' },
};
