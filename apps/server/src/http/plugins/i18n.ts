import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Lang } from '@gatehouse/contracts';

/**
 * Message language: `x-authing-lang` (what the vendor clients send, default zh-CN) wins,
 * then Accept-Language, then English.
 */
export function langOf(req: Pick<FastifyRequest, 'headers'>): Lang {
  const explicit = req.headers['x-authing-lang'];
  const pick = (v: string) => (v.toLowerCase().startsWith('zh') ? 'zh' : 'en');
  if (typeof explicit === 'string' && explicit) return pick(explicit);
  const accept = req.headers['accept-language'];
  if (typeof accept === 'string' && accept) return pick(accept.split(',')[0]!.trim());
  return 'en';
}

export function registerI18n(app: FastifyInstance): void {
  app.decorateRequest('lang', 'en');
  app.addHook('onRequest', async (req) => {
    req.lang = langOf(req);
  });
}
