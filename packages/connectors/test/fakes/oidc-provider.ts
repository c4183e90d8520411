/**
 * A real OpenID Provider (panva's oidc-provider, OpenID Certified) for the `oidc` connector and
 * the server's end-to-end tests. It serves its issuer (an https URL) from a local port, like a
 * provider behind a TLS proxy. Logins are chosen by the test (`nextLogin`, or `deny` for
 * `access_denied`) through an interaction handler that grants the requested scopes. The test
 * holds the provider's signing key (`signingJwk`) to craft tokens the provider itself would sign.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  picture?: string;
}

export interface OidcProviderOptions {
  issuer: string;
  clients: ClientMetadata[];
  accounts: OidcAccount[];
}

export async function startOidcProviderIdp(opts: OidcProviderOptions) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' };
  const accounts = new Map(opts.accounts.map((a) => [a.sub, a]));
  const provider = new Provider(opts.issuer, {
    clients: opts.clients,
    jwks: { keys: [signingJwk as never] },
    findAccount: async (_ctx, id) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ ...a }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'picture'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['gatehouse-test-cookie-key'] },
  });
  provider.proxy = true; // TLS terminates "in front of" it: the issuer is https
  const state = { nextLogin: undefined as string | undefined, defaultLogin: opts.accounts[0]?.sub };
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    const login = state.nextLogin ?? state.defaultLogin!;
    state.nextLogin = undefined;
    if (login === 'deny') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope']));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  const server = createServer((req, res) => {
    req.headers['x-forwarded-proto'] = 'https';
    req.headers['x-forwarded-host'] = new URL(opts.issuer).host;
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
      return;
    }
    void callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    issuer: opts.issuer,
    overrides: { [new URL(opts.issuer).origin]: origin } as Record<string, string>,
    provider,
    signingJwk,
    accounts,
    /** Who signs in at the next interaction; `deny` answers access_denied. */
    set nextLogin(v: string | undefined) {
      state.nextLogin = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type OidcProviderIdp = Awaited<ReturnType<typeof startOidcProviderIdp>>;
