/**
 * The identity-provider registry: every connector is reachable by its vendor SDK connection
 * type, declares docs and secrets correctly, and refuses unknown fields by name.
 */
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { CreateExtIdpConnDto } from 'authing-node-sdk/dist/models/CreateExtIdpConnDto.js';
import { getSocialIntlConnectorFactory, socialIntlConnectors, socialIntlConnectorsByType } from '../src/index.js';

const factories = Object.values(socialIntlConnectors);
const vendorTypes = new Set<string>(Object.values(CreateExtIdpConnDto.type));

describe('social (international) connector registry', () => {
  it('has the providers of this area', () => {
    expect(Object.keys(socialIntlConnectors).sort()).toEqual(['apple', 'azure-ad', 'facebook', 'gitee', 'github', 'gitlab', 'google', 'linkedin', 'oauth', 'oidc', 'saml', 'slack', 'twitter']);
  });

  it('maps every connection type, each a type of the vendor SDK, to exactly one connector', () => {
    const all = factories.flatMap((f) => f.manifest.types);
    expect(new Set(all).size).toBe(all.length);
    for (const t of all) expect(vendorTypes, t).toContain(t);
    expect(getSocialIntlConnectorFactory('apple:web')?.manifest.id).toBe('apple');
    expect(getSocialIntlConnectorFactory('github:mobile')?.manifest.id).toBe('github');
    expect(getSocialIntlConnectorFactory('toString')).toBeUndefined();
    expect(Object.keys(socialIntlConnectorsByType)).toHaveLength(all.length);
  });

  it.each(factories.map((f) => [f.manifest.id, f] as const))('%s: manifest, docs, secret fields, strict schema', (_id, f) => {
    const m = f.manifest;
    expect(m.kind).toBe('social');
    expect(m.docs.length).toBeGreaterThan(0);
    for (const d of m.docs) expect(d).toMatch(/^https:\/\//);
    const schema = m.configSchema as unknown as { properties: Record<string, unknown>; additionalProperties?: boolean };
    for (const s of m.secretFields) expect(schema.properties, s).toHaveProperty(s);
    expect(schema.additionalProperties).toBe(false);
    // An unknown field is reported by name (the server turns these paths into its error).
    expect([...Value.Errors(m.configSchema, { unexpectedField: 1 })].map((e) => e.path)).toContain('/unexpectedField');
    // Entra, SAML, Facebook, LinkedIn, Slack, GitLab, Gitee, X and custom OAuth are never trusted for linking by email.
    expect(m.trustsVerifiedEmail).toBe(['github', 'google', 'apple', 'oidc'].includes(m.id));
  });
});
