import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  ConnectorError,
  codeForStatus,
  createFetchHttpClient,
  mapVendorCode,
  parseJsonAs,
  rfc3986,
  templateFor,
  toE164,
  validateConfig,
  vendorRequest,
} from '../src/index.js';

describe('connector-kit helpers', () => {
  it('vendorRequest turns a timeout into a retryable connector.unavailable', async () => {
    const server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const http = createFetchHttpClient();
    const err = await vendorRequest(http, 'x', url, { method: 'GET', headers: {}, timeoutMs: 200 }).catch((e: unknown) => e);
    server.closeAllConnections();
    server.close();
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('connector.unavailable');
    expect((err as ConnectorError).retryable).toBe(true);
  });

  it('validateConfig applies defaults and names failing paths without values', () => {
    const manifest = { id: 't', kind: 'sms' as const, name: 't', secretFields: ['secret'], configSchema: Type.Object({ secret: Type.String({ minLength: 3 }), n: Type.Integer({ default: 5 }) }) };
    expect(validateConfig(manifest, { secret: 'abcd' })).toEqual({ secret: 'abcd', n: 5 });
    const err = (() => {
      try {
        validateConfig(manifest, { secret: 'zz' });
      } catch (e) {
        return e as ConnectorError;
      }
    })();
    expect(err?.code).toBe('connector.invalid_config');
    expect(err?.message).toContain('/secret');
    expect(err?.message).not.toContain('zz');
  });

  it('parses with a schema, maps codes and statuses', () => {
    const S = Type.Object({ Code: Type.String() });
    expect(parseJsonAs(S, '{"Code":"OK"}')).toEqual({ Code: 'OK' });
    expect(parseJsonAs(S, '{"Code":1}')).toBeUndefined();
    expect(parseJsonAs(S, '<html>')).toBeUndefined();
    expect(mapVendorCode({ exact: { A: 'connector.auth_failed' }, prefixes: [['L.', 'connector.rate_limited']] }, 'L.x')).toBe('connector.rate_limited');
    expect(mapVendorCode({ exact: {} }, 'nope')).toBe('connector.rejected');
    expect([codeForStatus(503), codeForStatus(429), codeForStatus(401), codeForStatus(200)]).toEqual([
      'connector.unavailable',
      'connector.rate_limited',
      'connector.auth_failed',
      'connector.rejected',
    ]);
  });

  it('formats numbers, templates and RFC 3986 encoding', () => {
    expect(toE164({ phone: '13800138000' })).toBe('+8613800138000');
    expect(toE164({ phone: '4155550123', phoneCountryCode: '+1' })).toBe('+14155550123');
    expect(toE164({ phone: '+44 7700 900123' })).toBe('+447700900123');
    expect(templateFor('v', { default: 'T0', CHANNEL_LOGIN: 'T1' }, 'CHANNEL_LOGIN')).toBe('T1');
    expect(templateFor('v', { default: 'T0' }, 'CHANNEL_REGISTER')).toBe('T0');
    expect(() => templateFor('v', {}, 'CHANNEL_LOGIN')).toThrow(/invalid_config/);
    expect(rfc3986("a b*~!'()")).toBe('a%20b%2A~%21%27%28%29');
  });
});
