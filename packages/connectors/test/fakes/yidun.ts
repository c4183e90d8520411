/**
 * A local stand-in for NetEase Yidun one-click login (ye.dun.163yun.com/v1/oneclick/check).
 * It checks what Yidun checks: POST form only, secretId and businessId (401), version, the MD5
 * signature re-derived independently (410), the timestamp (420 when more than 5 minutes off),
 * the nonce (32 characters; 430 when reused), and the token pair the SDK got from the carrier
 * (issued by `issueTokens`, two minutes, single use: otherwise `data.phone` is empty with the
 * carrier's resultCode, as Yidun answers).
 */
import { createHash } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';

export const YIDUN_FAKE_CODES = {
  '400': 'bad request',
  '401': 'forbidden',
  '405': 'param error',
  '410': 'signature failure',
  '411': 'high frequency',
  '414': 'param len too long',
  '420': 'request expired',
  '430': 'replay attack',
  '503': 'service unavailable',
} as const;
export type YidunFakeCode = keyof typeof YIDUN_FAKE_CODES;

export async function startYidunFake(opts: { secretId: string; secretKey: string; businessId: string }) {
  const clock = fakeClock();
  const tokens = new Map<string, { accessToken: string; phone: string; issuedAt: number; used: boolean }>();
  const nonces = new Set<string>();
  const injector = errorInjector<YidunFakeCode>();
  const fail = (code: YidunFakeCode): FakeResponse => ({ json: { code: Number(code), msg: YIDUN_FAKE_CODES[code] } });

  function handle(req: FakeRequest): FakeResponse {
    if (req.path !== '/v1/oneclick/check') return { status: 404, text: 'not found' };
    const injected = injector.take(req.path);
    if (injected) return fail(injected);
    if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return fail('400');
    const p = req.form();
    if (!p['secretId'] || !p['businessId']) return fail('400');
    if (p['secretId'] !== opts.secretId || p['businessId'] !== opts.businessId) return fail('401');
    if (p['version'] !== 'v1' || !p['token'] || !p['accessToken'] || !/^\d{13}$/.test(p['timestamp'] ?? '') || (p['nonce'] ?? '').length !== 32) return fail('405');
    if ((p['token'] ?? '').length > 32 || (p['accessToken'] ?? '').length > 2048) return fail('414');
    const content = Object.keys(p)
      .filter((k) => k !== 'signature')
      .sort()
      .map((k) => k + p[k])
      .join('');
    if (createHash('md5').update(content + opts.secretKey).digest('hex') !== p['signature']) return fail('410');
    if (Math.abs(clock.now() - Number(p['timestamp'])) > 5 * 60_000) return fail('420');
    if (nonces.has(p['nonce']!)) return fail('430');
    nonces.add(p['nonce']!);
    const t = tokens.get(p['token']!);
    if (!t || t.used || t.accessToken !== p['accessToken'] || clock.now() - t.issuedAt > 120_000) {
      return { json: { code: 200, msg: 'ok', data: { phone: '', resultCode: '103111' } } };
    }
    t.used = true;
    return { json: { code: 200, msg: 'ok', data: { phone: t.phone, resultCode: '0' } } };
  }

  const server = await startFakeServer(handle);
  const origins = ['https://ye.dun.163yun.com'];
  return {
    origin: server.origin,
    origins,
    overrides: { 'https://ye.dun.163yun.com': server.origin } as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    failNext: injector.failNext,
    /** What the Yidun SDK gets on a phone whose SIM is `phone`: the Yidun token and the carrier's accessToken. */
    issueTokens(phone: string) {
      const token = randomId('', 24).slice(0, 32);
      const accessToken = randomId('carrier', 60);
      tokens.set(token, { accessToken, phone, issuedAt: clock.now(), used: false });
      return { token, accessToken };
    },
  };
}

export type YidunFake = Awaited<ReturnType<typeof startYidunFake>>;
