// A minimal OpenID Connect relying party for Gatehouse (openid-client, no framework).
// Usage: ISSUER=http://localhost:3000/oidc CLIENT_ID=… CLIENT_SECRET=… PORT=3001 node examples/relying-party/app.mjs
import http from 'node:http';
import * as oidc from 'openid-client';

const { ISSUER = 'http://localhost:3000/oidc', CLIENT_ID, CLIENT_SECRET, PORT = '3001' } = process.env;
const redirect = `http://localhost:${PORT}/callback`;
const config = await oidc.discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined, { execute: ISSUER.startsWith('http:') ? [oidc.allowInsecureRequests] : [] });
const verifier = oidc.randomPKCECodeVerifier(), state = oidc.randomState(); // one pending sign-in; a real app keeps these per browser session

http.createServer(async (req, res) => {
  const url = new URL(req.url, redirect);
  if (url.pathname === '/callback') {
    const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
    const me = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    res.setHeader('content-type', 'application/json').end(JSON.stringify(me, null, 2));
  } else {
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    res.writeHead(302, { location: oidc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid profile email', code_challenge: challenge, code_challenge_method: 'S256', state }).href }).end();
  }
}).listen(Number(PORT), () => console.log(`relying party on http://localhost:${PORT}`));
