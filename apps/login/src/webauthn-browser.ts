/**
 * navigator.credentials with the server's JSON options (base64url fields, as
 * @simplewebauthn/server emits them) and the results as JSON (the WebAuthn L3 toJSON shape the
 * server verifies). Kept here so the page needs no extra library.
 */
const b64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
const out = (b: ArrayBuffer | null | undefined) => (b ? btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : undefined);
type Desc = { id: string; type?: string; transports?: string[] };
const descs = (l: Desc[] | undefined) => (l ?? []).map((c) => ({ id: b64(c.id), type: 'public-key' as const, ...(c.transports?.length ? { transports: c.transports as AuthenticatorTransport[] } : {}) }));

export async function getAssertion(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  const o = options as { challenge: string; allowCredentials?: Desc[]; rpId?: string; timeout?: number; userVerification?: UserVerificationRequirement };
  const cred = (await navigator.credentials.get({
    publicKey: {
      challenge: b64(o.challenge),
      ...(o.rpId ? { rpId: o.rpId } : {}),
      ...(o.timeout ? { timeout: o.timeout } : {}),
      ...(o.userVerification ? { userVerification: o.userVerification } : {}),
      allowCredentials: descs(o.allowCredentials),
    },
  })) as PublicKeyCredential | null;
  if (!cred) throw new Error('no credential');
  const r = cred.response as AuthenticatorAssertionResponse;
  return {
    id: cred.id,
    rawId: out(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: out(r.clientDataJSON), authenticatorData: out(r.authenticatorData), signature: out(r.signature), ...(r.userHandle ? { userHandle: out(r.userHandle) } : {}) },
  };
}

export async function createCredential(options: Record<string, unknown>): Promise<Record<string, unknown>> {
  const o = options as {
    challenge: string;
    rp: PublicKeyCredentialRpEntity;
    user: { id: string; name: string; displayName: string };
    pubKeyCredParams: PublicKeyCredentialParameters[];
    timeout?: number;
    excludeCredentials?: Desc[];
    authenticatorSelection?: AuthenticatorSelectionCriteria;
    attestation?: AttestationConveyancePreference;
  };
  const cred = (await navigator.credentials.create({
    publicKey: {
      challenge: b64(o.challenge),
      rp: o.rp,
      user: { id: b64(o.user.id), name: o.user.name, displayName: o.user.displayName },
      pubKeyCredParams: o.pubKeyCredParams,
      ...(o.timeout ? { timeout: o.timeout } : {}),
      excludeCredentials: descs(o.excludeCredentials),
      ...(o.authenticatorSelection ? { authenticatorSelection: o.authenticatorSelection } : {}),
      ...(o.attestation ? { attestation: o.attestation } : {}),
    },
  })) as PublicKeyCredential | null;
  if (!cred) throw new Error('no credential');
  const r = cred.response as AuthenticatorAttestationResponse;
  return {
    id: cred.id,
    rawId: out(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: out(r.clientDataJSON), attestationObject: out(r.attestationObject), transports: typeof r.getTransports === 'function' ? r.getTransports() : [] },
  };
}
