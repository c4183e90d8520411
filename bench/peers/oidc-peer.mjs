// The peer for the token endpoint: a bare panva oidc-provider (the library Gatehouse is built
// on) with its in-memory adapter, one client_credentials client (client_secret_basic, plain
// secret compare) and ES256 JWT access tokens through resourceIndicators — the same grant and
// algorithm as Gatehouse's client-credentials scenario. Listens on 127.0.0.1:<argv[2]>.
import { createServer } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'peer-es256' };
const resource = 'https://api.example.com';
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'peer-client',
      client_secret: 'peer-client-secret-0123456789abcdef',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read write',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['read', 'write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'read write', audience: resource, accessTokenTTL: 7200, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`peer server_error: ${err.stack}\n`));
createServer(provider.callback()).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
