import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

/**
 * A real upstream OpenID Provider (panva's oidc-provider) on a loopback port, its issuer the
 * plain http origin it listens on, so a real browser can use it as it is. Who signs in is chosen
 * by the test (`next`, or 'deny' for access_denied); `fail` makes the token endpoint answer 500;
 * `tamper` changes the next ID token the token endpoint returns (its claims re-signed with the
 * provider's own key, or with another key under the same `kid` for a forged signature).
 */
export type IdTokenTamper = (claims: JWTPayload) => { claims: JWTPayload; rogue?: boolean };
export interface UpstreamAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export async function startUpstreamOp(opts: { clients: (issuer: string) => ClientMetadata[]; accounts: UpstreamAccount[] }) {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'up-1', alg: 'RS256', use: 'sig' };
  const accounts = new Map(opts.accounts.map((a) => [a.sub, a]));
  const provider = new Provider(issuer, {
    clients: opts.clients(issuer),
    jwks: { keys: [jwk as never] },
    findAccount: async (_ctx, id) => (accounts.has(id) ? { accountId: id, claims: async () => ({ ...accounts.get(id)! }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    cookies: { keys: ['upstream-test-cookie-key'] },
  });
  const state = { next: opts.accounts[0]!.sub, fail: false, logins: 0, tamper: undefined as IdTokenTamper | undefined };

  /** Rewrites the token response's id_token as the one-shot `tamper` says (the body is JSON, written with one end()). */
  function tamperTokenResponse(res: ServerResponse, tamper: IdTokenTamper) {
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    res.end = ((chunk?: unknown) => {
      void (async () => {
        const body = JSON.parse(Buffer.from(chunk as Buffer).toString('utf8')) as { id_token?: string };
        if (body.id_token) {
          const out = tamper(decodeJwt(body.id_token));
          body.id_token = await new SignJWT(out.claims).setProtectedHeader({ alg: 'RS256', kid: 'up-1', typ: 'JWT' }).sign(out.rogue ? rogue.privateKey : privateKey);
        }
        const text = JSON.stringify(body);
        res.setHeader('content-length', Buffer.byteLength(text));
        end(text);
      })();
      return res;
    }) as ServerResponse['end'];
  }
  const cb = provider.callback();
  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    const who = state.next;
    state.logins++;
    if (who === 'deny') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: who, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope']));
    await provider.interactionFinished(req, res, { login: { accountId: who }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    if (state.fail && req.url?.startsWith('/token')) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream broke');
      return;
    }
    if (state.tamper && req.method === 'POST' && req.url?.startsWith('/token')) {
      tamperTokenResponse(res, state.tamper);
      state.tamper = undefined;
    }
    void cb(req, res);
  });
  return {
    issuer,
    state,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
export type UpstreamOp = Awaited<ReturnType<typeof startUpstreamOp>>;
