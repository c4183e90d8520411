import type { FastifyRequest } from 'fastify';

/**
 * axios (the vendor SDKs' HTTP client) encodes a GET array as `key[]=a&key[]=b`; Fastify's query
 * parser keeps the brackets in the key, and gives a plain string when there is one value. Used as
 * a route's `preValidation`, this folds `key[]` back into `key` (always an array) before the
 * schema sees it. Signature verification reads the raw URL, so it is unaffected.
 */
export async function foldBracketArrays(req: FastifyRequest): Promise<void> {
  const q = req.query as Record<string, unknown>;
  for (const key of Object.keys(q)) {
    if (!key.endsWith('[]')) continue;
    const name = key.slice(0, -2);
    const v = q[key];
    const list = Array.isArray(v) ? v : [v];
    q[name] = Array.isArray(q[name]) ? [...(q[name] as unknown[]), ...list] : q[name] === undefined ? list : [q[name], ...list];
    delete q[key];
  }
}
