/**
 * `npx tsx bench/saml-sign-cpu.ts [--n 400]` — CPU µs of building and signing one SAML Response
 * (Assertion and Response each signed RSA-SHA256, pool key RSA-2048), in one process, no HTTP:
 * the XML part of the `saml` bench scenario (docs/performance.md, "SAML and CAS"). To compare two
 * trees on a busy machine, run it in each alternately.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { selfSignedCertificate, certificateBase64 } from '../apps/server/src/utils/x509.js';
import { buildAssertion, buildResponse, STATUS } from '../apps/server/src/services/saml-idp/response.js';
import { NAMEID_FORMATS, SIGNATURE_ALGORITHMS } from '../apps/server/src/services/saml-idp/config.js';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } } });
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const cert = selfSignedCertificate(privateKey, { commonName: 'bench', days: 10 });
const key = { kid: 'k1', status: 'active' as const, certificate: cert.certificate, certBase64: certificateBase64(cert.certificate), privateKey };
const cfg = { spEntityId: 'http://127.0.0.1:9/sp', acsUrls: [{ url: 'http://127.0.0.1:9/acs', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', index: 0, isDefault: true }], nameIdFormat: NAMEID_FORMATS.emailAddress ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', nameIdSource: 'email', attributeMappings: { email: 'email', name: 'name', username: 'username' }, signAssertion: true, signResponse: true, encryptAssertion: false, signatureAlgorithm: SIGNATURE_ALGORITHMS['rsa-sha256'] } as never;
const user = { id: 'u1', claims: { email: 'u1@bench.example', name: 'User One', username: 'u1' } };

async function one() {
  const assertion = await buildAssertion({ idpEntityId: 'http://127.0.0.1/api/v2/saml-idp/app', cfg, acsUrl: 'http://127.0.0.1:9/acs', inResponseTo: '_req1', user, nameId: 'u1@bench.example', authTime: Math.floor(Date.now() / 1000), amr: ['pwd'], sessionIndex: '_s1', https: false, key });
  return buildResponse({ idpEntityId: 'http://127.0.0.1/api/v2/saml-idp/app', cfg, acsUrl: 'http://127.0.0.1:9/acs', inResponseTo: '_req1', status: STATUS.success, assertion, key });
}
const N = Number(args.n);
for (let i = 0; i < 50; i++) await one();
for (let r = 0; r < Number(args.rounds); r++) {
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < N; i++) await one();
  const t = process.threadCpuUsage(t0);
  console.log(`round ${r + 1}: ${((t.user + t.system) / N).toFixed(0)} µs CPU per signed Response (${N})`);
}
