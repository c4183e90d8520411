/**
 * Inbound SAML 2.0 (Gatehouse as service provider) with @node-saml/node-saml ≥ 5.1.0, the
 * release that fixed the 2025 signature-wrapping bypass (CVE-2025-54419) on xml-crypto ≥ 6.0.1
 * (CVE-2025-29774/29775).
 *
 * - `authorizationUrl` is the HTTP-Redirect AuthnRequest to the IdP's SSO URL; `RelayState`
 *   carries the server's state. The request ID is derived from the flow's nonce, so the
 *   response's `InResponseTo` binds it to this flow only (no IdP-initiated logins).
 * - `handleCallback` takes the HTTP-POST binding's `SAMLResponse` (and `RelayState`) in
 *   `params`. Checked: the assertion's signature against the IdP metadata certificates (the
 *   assertion itself must be signed; a signed response around an unsigned assertion is not
 *   enough), only data from the signed assertion is read, `Issuer` = the IdP entity ID, the
 *   Response `Destination` and the bearer `SubjectConfirmationData` `Recipient` = our ACS URL,
 *   `InResponseTo` = this flow's request, `NotBefore`/`NotOnOrAfter` with `clockSkewMs`,
 *   `Audience` = our entity ID, and the assertion ID is accepted once (connector cache `add`,
 *   kept until the assertion expires) (SAML 2.0 Profiles §4.1.4.3, §4.1.4.5; security.md §0 item 30).
 * - Emails from SAML attributes are never marked verified (SAML has no such assertion).
 *
 * Not covered: IdP-initiated SSO, the HTTP-POST binding for AuthnRequests, single logout,
 * artifact binding, metadata signature validation.
 */
import { createHash } from 'node:crypto';
import { SAML, SamlStatusError, ValidateInResponseTo, generateServiceProviderMetadata, type CacheProvider, type Profile, type SamlConfig as NodeSamlConfig } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { ConnectorError, compactProfile, validateConfig, type IdentityProfile, type SocialConnectorFactory } from '@gatehouse/connector-kit';
import { DEFAULT_ATTRIBUTES, SamlConfigSchema, type IdpMetadata, type SamlConfig, type SamlConfigInput } from './schema.js';
import { loadIdpMetadata } from './metadata.js';

const VENDOR = 'saml';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const MAX_RESPONSE_BYTES = 1_000_000;

/** The AuthnRequest ID for a flow: an xs:ID (starts with `_`) derived from the flow's nonce. */
export function samlRequestId(nonce: string): string {
  return `_${createHash('sha256').update(`gatehouse-saml:${nonce}`).digest('hex').slice(0, 40)}`;
}

/**
 * The SP metadata XML for a connection (what the IdP administrator imports): entity ID, the ACS
 * URL with the HTTP-POST binding, WantAssertionsSigned, and the SP certificate when configured.
 */
export function renderSamlSpMetadata(rawConfig: SamlConfigInput, opts: { acsUrl: string }): string {
  const config = validateConfig<SamlConfig>(saml.manifest, rawConfig);
  return generateServiceProviderMetadata({
    issuer: config.spEntityId ?? opts.acsUrl,
    callbackUrl: opts.acsUrl,
    wantAssertionsSigned: true,
    identifierFormat: config.nameIdFormat ?? null,
    ...(config.spPrivateKey && config.spCertificate ? { privateKey: config.spPrivateKey, publicCerts: config.spCertificate, decryptionPvk: config.spPrivateKey, decryptionCert: config.spCertificate, signatureAlgorithm: 'sha256' as const } : {}),
  });
}

export const saml: SocialConnectorFactory<SamlConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'SAML 2.0',
    types: ['saml'],
    docs: [
      'https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf',
      'https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf',
      'https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf',
      'https://github.com/node-saml/node-saml',
    ],
    trustsVerifiedEmail: false,
    responseMode: 'form_post',
    stateParam: 'RelayState',
    configSchema: SamlConfigSchema,
    secretFields: ['spPrivateKey'],
  },
  create(raw, deps) {
    const config = validateConfig<SamlConfig>(saml.manifest, raw);
    if (!config.idpMetadataXml === !config.idpMetadataUrl) throw new ConnectorError('connector.invalid_config', `${VENDOR}: set exactly one of idpMetadataUrl and idpMetadataXml`);
    if (!config.spPrivateKey !== !config.spCertificate) throw new ConnectorError('connector.invalid_config', `${VENDOR}: spPrivateKey and spCertificate go together`);
    const cache = deps.cache;
    const add = cache.add?.bind(cache);
    if (!add) throw new ConnectorError('connector.invalid_config', `${VENDOR}: the connector cache must support add() for single-use assertion IDs`);
    const metadata = () => loadIdpMetadata({ ...(config.idpMetadataXml ? { xml: config.idpMetadataXml } : { url: config.idpMetadataUrl! }), ...(config.idpEntityId ? { entityId: config.idpEntityId } : {}), http: deps.http, cache, timeoutMs: config.timeoutMs });
    const nowMs = () => (deps.now?.() ?? new Date()).getTime();

    function samlFor(meta: IdpMetadata, acsUrl: string, requestId: string): SAML {
      const spEntityId = config.spEntityId ?? acsUrl;
      // Only this flow's request ID is "outstanding": the response's InResponseTo must be it.
      const outstanding: CacheProvider = {
        getAsync: async (key) => (key === requestId ? new Date(nowMs()).toISOString() : null),
        saveAsync: async () => null,
        removeAsync: async () => null,
      };
      const options: NodeSamlConfig = {
        entryPoint: meta.ssoUrl,
        issuer: spEntityId,
        audience: spEntityId,
        callbackUrl: acsUrl,
        idpCert: meta.certificates,
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: false,
        validateInResponseTo: ValidateInResponseTo.always,
        requestIdExpirationPeriodMs: 10 * 60_000,
        cacheProvider: outstanding,
        acceptedClockSkewMs: config.clockSkewMs,
        generateUniqueId: () => requestId,
        identifierFormat: config.nameIdFormat ?? null,
        disableRequestedAuthnContext: true,
        signatureAlgorithm: 'sha256',
        digestAlgorithm: 'sha256',
        ...(config.spPrivateKey ? { privateKey: config.spPrivateKey, decryptionPvk: config.spPrivateKey } : {}),
      };
      return new SAML(options);
    }

    return {
      manifest: saml.manifest,
      async authorizationUrl(req) {
        const meta = await metadata();
        return samlFor(meta, req.redirectUri, samlRequestId(req.nonce)).getAuthorizeUrlAsync(req.state, undefined, {});
      },
      async handleCallback(input) {
        const response = input.params['SAMLResponse'];
        if (typeof response !== 'string' || !response) throw new ConnectorError('connector.invalid_response', `${VENDOR}: callback without SAMLResponse`);
        if (response.length > MAX_RESPONSE_BYTES) throw new ConnectorError('connector.invalid_token', `${VENDOR}: SAMLResponse too large`);
        const meta = await metadata();
        const requestId = samlRequestId(input.nonce);
        let profile: Profile | null;
        try {
          ({ profile } = await samlFor(meta, input.redirectUri, requestId).validatePostResponseAsync({ SAMLResponse: response }));
        } catch (err) {
          if (err instanceof SamlStatusError) {
            const denied = /AuthnFailed|RequestDenied|NoPassive|NoAuthnContext|UnknownPrincipal/.test(err.xmlStatus + err.message);
            throw new ConnectorError(denied ? 'connector.access_denied' : 'connector.rejected', `${VENDOR}: IdP status ${err.message.slice(0, 200)}`, { cause: err });
          }
          throw new ConnectorError('connector.invalid_token', `${VENDOR}: ${err instanceof Error ? err.message.slice(0, 200) : 'invalid response'}`, { cause: err });
        }
        if (!profile) throw new ConnectorError('connector.access_denied', `${VENDOR}: no assertion (passive login refused or a logout response)`);
        const assertion = readAssertion(profile);
        checkBindings(profile, assertion, { issuer: meta.entityId, acsUrl: input.redirectUri, requestId });
        // Single use: the assertion ID is remembered until the assertion expires.
        const ttl = Math.min(Math.max((assertion.notOnOrAfter ?? nowMs() + 3_600_000) - nowMs() + config.clockSkewMs, 60_000), 24 * 3_600_000);
        if (!(await add(`saml-assertion:${meta.entityId}:${assertion.id}`, '1', ttl))) {
          throw new ConnectorError('connector.invalid_token', `${VENDOR}: assertion already used (replay)`);
        }
        return toProfile(profile, config);
      },
      async serviceProviderMetadata({ redirectUri }) {
        return renderSamlSpMetadata(raw, { acsUrl: redirectUri });
      },
    };
  },
};

interface AssertionFacts {
  id: string;
  notOnOrAfter?: number;
  confirmations: Array<{ method?: string; recipient?: string; inResponseTo?: string }>;
}

type X = Record<string, unknown> & { $?: Record<string, string>; _?: string };
const first = (v: unknown): X | undefined => (Array.isArray(v) ? (v[0] as X | undefined) : undefined);

/** Facts from the signed assertion node-saml verified (xml2js form, prefixes stripped). */
function readAssertion(profile: Profile): AssertionFacts {
  const a = (profile.getAssertion?.() as { Assertion?: X } | undefined)?.Assertion;
  const id = a?.$?.['ID'];
  if (!a || !id) throw new ConnectorError('connector.invalid_token', `${VENDOR}: assertion without ID`);
  const conditions = first(a['Conditions']);
  const notOnOrAfter = conditions?.$?.['NotOnOrAfter'] ? Date.parse(conditions.$['NotOnOrAfter']) : undefined;
  const subject = first(a['Subject']);
  const confirmations = ((subject?.['SubjectConfirmation'] as X[] | undefined) ?? []).map((sc) => {
    const data = first(sc['SubjectConfirmationData']);
    return { method: sc.$?.['Method'], recipient: data?.$?.['Recipient'], inResponseTo: data?.$?.['InResponseTo'] };
  });
  return { id, ...(Number.isFinite(notOnOrAfter) ? { notOnOrAfter: notOnOrAfter! } : {}), confirmations };
}

function checkBindings(profile: Profile, a: AssertionFacts, want: { issuer: string; acsUrl: string; requestId: string }): void {
  const fail = (why: string) => new ConnectorError('connector.invalid_token', `${VENDOR}: ${why}`);
  if (profile.issuer !== want.issuer) throw fail('assertion issuer is not the IdP entity ID');
  // A bearer confirmation for us and for this request (Profiles §4.1.4.2–3).
  const ok = a.confirmations.some((c) => c.method === BEARER && c.recipient === want.acsUrl && c.inResponseTo === want.requestId);
  if (!ok) throw fail('no bearer SubjectConfirmation with our Recipient and InResponseTo');
  // The Response Destination must be our ACS URL (Bindings §3.5.5.2).
  let destination: string | null = null;
  try {
    const doc = new DOMParser({ onError: () => undefined }).parseFromString(profile.getSamlResponseXml?.() ?? '', 'text/xml');
    destination = doc.documentElement?.getAttribute('Destination') ?? null;
  } catch {
    destination = null;
  }
  if (destination !== want.acsUrl) throw fail('Response Destination is not our ACS URL');
}

function attribute(profile: Profile, configured: string | undefined, defaults: readonly string[]): unknown {
  const attrs = (profile['attributes'] ?? {}) as Record<string, unknown>;
  for (const name of configured ? [configured] : defaults) if (Object.hasOwn(attrs, name)) return attrs[name];
  return undefined;
}

const one = (v: unknown): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' && x.trim() ? x.trim() : undefined;
};

function toProfile(profile: Profile, config: SamlConfig): IdentityProfile {
  let id: string | undefined;
  if (config.userIdAttribute) {
    id = one(attribute(profile, config.userIdAttribute, []));
    if (!id) throw new ConnectorError('connector.invalid_response', `${VENDOR}: assertion lacks the ${config.userIdAttribute} attribute`);
  } else {
    if (profile.nameIDFormat === TRANSIENT) throw new ConnectorError('connector.invalid_config', `${VENDOR}: the IdP sends a transient NameID; request a persistent one (nameIdFormat) or set userIdAttribute`);
    id = profile.nameID;
    if (!id) throw new ConnectorError('connector.invalid_response', `${VENDOR}: assertion without NameID`);
  }
  const a = config.attributes;
  const groupsValue = attribute(profile, a.groups, DEFAULT_ATTRIBUTES.groups);
  const groups = (Array.isArray(groupsValue) ? groupsValue : groupsValue === undefined ? [] : [groupsValue]).filter((g): g is string => typeof g === 'string');
  const email = one(attribute(profile, a.email, DEFAULT_ATTRIBUTES.email));
  const phone = one(attribute(profile, a.phone, DEFAULT_ATTRIBUTES.phone));
  const givenName = one(attribute(profile, a.givenName, DEFAULT_ATTRIBUTES.givenName));
  const familyName = one(attribute(profile, a.familyName, DEFAULT_ATTRIBUTES.familyName));
  return compactProfile({
    id,
    email,
    emailVerified: email ? false : undefined,
    phone,
    phoneVerified: phone ? false : undefined,
    name: one(attribute(profile, a.name, DEFAULT_ATTRIBUTES.name)) ?? ([givenName, familyName].filter(Boolean).join(' ') || undefined),
    givenName,
    familyName,
    ...(groups.length ? { groups } : {}),
    raw: {
      issuer: profile.issuer,
      nameID: profile.nameID,
      nameIDFormat: profile.nameIDFormat,
      ...(profile.sessionIndex ? { sessionIndex: profile.sessionIndex } : {}),
      attributes: profile['attributes'] ?? {},
    },
  });
}
