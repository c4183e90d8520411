import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { ProviderRegistry } from './provider.js';
import type { FastEndpoints, FastResponse } from './fast-endpoints.js';

export interface MountOptions {
  registry: ProviderRegistry;
  publicUrl: string;
  /** The default pool's id (its provider answers under /oidc and /oauth). */
  defaultPoolId: () => Promise<string | undefined>;
  poolExists: (poolId: string) => Promise<boolean>;
  /** The app's default scopes for a client_credentials request without `scope` (undefined = none). */
  defaultClientCredentialsScope: (poolId: string, clientId: string) => Promise<string | undefined>;
  /** Lean userinfo/introspection for Gatehouse JWTs and client-credentials tokens (fast-endpoints.ts); absent: everything goes to oidc-provider. */
  fast?: FastEndpoints;
}

const TOKEN_BODY_LIMIT = 56 * 1024;

type RawReq = IncomingMessage & { originalUrl?: string; ghIp?: string; ghRequestId?: string };
/** The client's address and the request id, where the provider's audit listeners read them (provider.ts auditEvents). */
const withRequestFacts = (raw: RawReq, req: FastifyRequest): RawReq => Object.assign(raw, { ghIp: req.ip, ghRequestId: req.id });

const handlers = new WeakMap<Provider, (req: IncomingMessage, res: ServerResponse) => void>();
const handlerOf = (p: Provider) => {
  let h = handlers.get(p);
  if (!h) {
    h = p.callback() as (req: IncomingMessage, res: ServerResponse) => void;
    handlers.set(p, h);
  }
  return h;
};

/**
 * Mounts the per-pool oidc-provider (Koa) apps in Fastify:
 *   /oidc/*, /oauth/*                         default pool (vendor `protocol: 'oidc' | 'oauth'`)
 *   /pools/:poolId/oidc/*, /pools/:poolId/oauth/*   any pool
 * oidc-provider parses its own request bodies, so this plugin is encapsulated with a content
 * type parser that leaves the stream untouched, and hands the raw request over (hijack).
 * Host and scheme come from publicUrl (X-Forwarded-* are overwritten), never from the client.
 */
export async function oidcMount(app: FastifyInstance, opts: MountOptions): Promise<void> {
  const pub = new URL(opts.publicUrl);
  const pubPath = pub.pathname.replace(/\/+$/, '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  // Token requests are read here (and only these), so a client_credentials request without
  // `scope` can get the app's default scopes; the provider then reads the rebuilt stream.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT }, (req, body, done) => done(null, body));

  const withDefaultScope = async (req: FastifyRequest, poolId: string, body: string): Promise<string> => {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials' || form.has('scope')) return body;
    let clientId = form.get('client_id') ?? undefined;
    const auth = req.headers.authorization;
    if (!clientId && auth?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) clientId = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20'));
    }
    const scope = clientId ? await opts.defaultClientCredentialsScope(poolId, clientId) : undefined;
    if (scope) form.set('scope', scope);
    return form.toString();
  };

  /**
   * The vendor AuthenticationClient sends the HTTP Basic header to every /token* endpoint when
   * its token endpoint method is client_secret_basic, but client_id + client_secret in the body
   * when its (separately configured, default client_secret_post) introspection or revocation
   * method says so: two authentication methods in one request, which RFC 6749 §2.3 forbids and
   * oidc-provider refuses. Only when both carry exactly the same client id and secret (so
   * nothing is gained by sending them twice), the one the app did not register is dropped.
   */
  const withSingleClientAuth = async (req: FastifyRequest, provider: Provider, body: string): Promise<string> => {
    const auth = req.headers.authorization;
    if (!auth?.toLowerCase().startsWith('basic ')) return body;
    // Nothing to reconcile without a client_secret in the body (checked before parsing: the
    // common Basic-only request is not parsed here; a percent-encoded name is parsed).
    if (!body.includes('client_secret') && !body.includes('%')) return body;
    const form = new URLSearchParams(body);
    const secret = form.get('client_secret');
    if (secret === null) return body;
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) return body;
    const unform = (v: string) => {
      try {
        return decodeURIComponent(v.replace(/\+/g, '%20'));
      } catch {
        return v;
      }
    };
    const [basicId, basicSecret] = [unform(decoded.slice(0, i)), unform(decoded.slice(i + 1))];
    if (basicId !== form.get('client_id') || basicSecret !== secret) return body;
    const client = await provider.Client.find(basicId);
    if (!client) return body;
    if (client.tokenEndpointAuthMethod === 'client_secret_post') {
      delete req.headers.authorization;
      return body;
    }
    form.delete('client_secret');
    form.delete('client_id');
    return form.toString();
  };

  const answer = (req: FastifyRequest, reply: FastifyReply, r: FastResponse) => {
    reply.hijack();
    reply.raw.writeHead(r.status, { 'x-request-id': req.id, ...r.headers });
    reply.raw.end(r.body);
  };

  const forward = async (req: FastifyRequest, reply: FastifyReply, poolId: string, prefix: string) => {
    const provider = await opts.registry.get(poolId);
    let raw = req.raw as RawReq;
    const rest = req.url.slice(prefix.length);
    if (opts.fast && rest === '/me') {
      const r = await opts.fast.userinfo(poolId, { method: req.method, url: rest, headers: req.headers });
      if (r) return answer(req, reply, r);
    }
    if (typeof req.body === 'string') {
      // The original stream was consumed by the parser above: hand the provider an equivalent request.
      const path = req.url.split('?')[0]!;
      let text = req.body;
      if (/\/token(\/introspection|\/revocation)?$/.test(path)) text = await withSingleClientAuth(req, provider, text);
      if (path.endsWith('/token')) text = await withDefaultScope(req, poolId, text);
      if (opts.fast && rest === '/token' && req.method === 'POST') {
        const tokenRequest = { headers: req.headers, body: text, ip: req.ip, requestId: req.id };
        const r = (await opts.fast.clientCredentials(poolId, tokenRequest)) ?? (await opts.fast.refreshToken(poolId, { ...tokenRequest, raw: withRequestFacts(raw, req) }));
        if (r) return answer(req, reply, r);
      }
      if (opts.fast && rest === '/token/introspection' && req.method === 'POST') {
        const r = await opts.fast.introspection(poolId, { headers: req.headers, body: text });
        if (r) return answer(req, reply, r);
      }
      const body = Buffer.from(text);
      const stream = new PassThrough();
      stream.end(body);
      const original = raw;
      raw = Object.assign(stream, {
        headers: { ...original.headers, 'content-length': String(body.length) },
        rawHeaders: original.rawHeaders,
        method: original.method,
        url: original.url,
        httpVersion: original.httpVersion,
        httpVersionMajor: original.httpVersionMajor,
        httpVersionMinor: original.httpVersionMinor,
        socket: original.socket,
        connection: original.socket,
        complete: true,
        aborted: false,
      }) as unknown as RawReq;
    }
    raw.originalUrl = pubPath + req.url;
    raw.url = rest.startsWith('/') ? rest : `/${rest}`;
    raw.headers['x-forwarded-host'] = pub.host;
    raw.headers['x-forwarded-proto'] = pub.protocol.replace(':', '');
    raw.headers['x-forwarded-for'] = req.ip;
    withRequestFacts(raw, req);
    reply.raw.setHeader('x-request-id', req.id);
    reply.hijack();
    handlerOf(provider)(raw, reply.raw);
  };

  const notFound = (reply: FastifyReply) => reply.code(404).type('application/json').send({ error: 'not_found', error_description: 'unknown user pool' });

  for (const proto of ['oidc', 'oauth']) {
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const poolId = await opts.defaultPoolId();
      if (!poolId) return notFound(reply);
      return forward(req, reply, poolId, `/${proto}`);
    };
    app.all(`/${proto}`, handler);
    app.all(`/${proto}/*`, handler);
    const poolHandler = async (req: FastifyRequest<{ Params: { poolId: string } }>, reply: FastifyReply) => {
      const { poolId } = req.params;
      if (!(await opts.poolExists(poolId))) return notFound(reply);
      return forward(req, reply, poolId, `/pools/${poolId}/${proto}`);
    };
    app.all(`/pools/:poolId/${proto}`, poolHandler);
    app.all(`/pools/:poolId/${proto}/*`, poolHandler);
  }
}
