/**
 * `lark-internal` and `lark-public` — Feishu (飞书) / Lark sign-in with the OAuth 2.0 endpoints
 * (authen/v1/authorize with PKCE S256, authen/v2/oauth/token, authen/v1/user_info), the same for
 * self-built and store apps. A store app can be installed by any tenant: `allowedTenantKeys`
 * limits sign-in to the listed tenants (for a self-built app, list its own tenant to be explicit).
 * Mobile (`signin-by-mobile`, `connection: 'lark_internal' | 'lark_public'`, payload `{code}`):
 * the code of the Feishu client SDK, exchanged without PKCE.
 *
 * The identity id is the `union_id` (the same person across the apps of one developer) when
 * Feishu returns it, else the app-scoped `open_id`; `tenant_key` and `open_id` stay in `raw`.
 * https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token
 */
import { ConnectorError, validateConfig, type IdentityProfile, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, isRecord, refusedOnCallback, requiredString, vendorError } from '../china-shared/errors.js';
import { getJson, postJson, type VendorResponse } from '../china-shared/http.js';
import { toPhone } from '../china-shared/phone.js';
import { larkErrors } from './errors.js';
import { LarkConfigSchema, TokenSchema, UserInfoSchema, type LarkConfig, type LarkConfigInput } from './schema.js';

const HOSTS = {
  feishu: { accounts: 'https://accounts.feishu.cn', open: 'https://open.feishu.cn' },
  lark: { accounts: 'https://accounts.larksuite.com', open: 'https://open.larksuite.com' },
} as const;

function larkFactory(id: 'lark-internal' | 'lark-public', name: string): ChinaSocialConnectorFactory<LarkConfigInput> {
  const factory: ChinaSocialConnectorFactory<LarkConfigInput> = {
    manifest: {
      id,
      kind: 'social',
      name,
      configSchema: LarkConfigSchema,
      secretFields: ['appSecret'],
      types: [id],
      flows: ['redirect', 'mobile'],
      mobileConnections: [id === 'lark-internal' ? 'lark_internal' : 'lark_public'],
      docs: [
        'https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code',
        'https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token',
        'https://open.feishu.cn/document/server-docs/authentication-management/login-state-management/get',
      ],
      trustsVerifiedEmail: false,
    },
    create(rawConfig, deps) {
      const config = validateConfig<LarkConfig>(factory.manifest, rawConfig);
      const hosts = HOSTS[config.region];
      const exchange = (code: string, extra: Record<string, string>) => signIn(id, config, deps, code, extra);
      return {
        manifest: factory.manifest,
        async authorizationUrl(req) {
          const url = new URL(`${hosts.accounts}/open-apis/authen/v1/authorize`);
          url.searchParams.set('client_id', config.appId);
          url.searchParams.set('redirect_uri', req.redirectUri);
          url.searchParams.set('response_type', 'code');
          if (config.scope) url.searchParams.set('scope', config.scope);
          url.searchParams.set('state', req.state);
          url.searchParams.set('code_challenge', req.codeChallenge);
          url.searchParams.set('code_challenge_method', 'S256');
          return url.toString();
        },
        async handleCallback(input) {
          const refused = refusedOnCallback(id, input.params, ['code']);
          if (refused) throw refused;
          return exchange(requiredString(id, input.params, 'code'), { redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
        },
        /** `larkInternalPayload` / `larkPublicPayload`: `{ code }`. */
        async handleMobile(payload) {
          return exchange(requiredString(id, payload, 'code'), {});
        },
      };
    },
  };
  return factory;
}

function read<T extends TSchema>(vendor: string, res: VendorResponse, schema: T): Static<T> {
  const b = res.json;
  if (isRecord(b) && typeof b['code'] === 'number' && b['code'] !== 0) {
    const msg = [b['error'], b['error_description'] ?? b['msg']].filter((x) => typeof x === 'string').join(' ');
    throw vendorError(vendor, larkErrors, b['code'], msg);
  }
  if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(vendor, res.status);
  return b as Static<T>;
}

async function signIn(vendor: string, config: LarkConfig, deps: SocialConnectorDeps, code: string, extra: Record<string, string>): Promise<IdentityProfile> {
  const hosts = HOSTS[config.region];
  const call = { timeoutMs: config.timeoutMs };
  const body = { grant_type: 'authorization_code', client_id: config.appId, client_secret: config.appSecret, code, ...extra };
  const token = read(vendor, await postJson(deps.http, vendor, `${hosts.open}/open-apis/authen/v2/oauth/token`, body, call), TokenSchema);
  const user = read(vendor, await getJson(deps.http, vendor, `${hosts.open}/open-apis/authen/v1/user_info`, { ...call, headers: { authorization: `Bearer ${token.access_token}` } }), UserInfoSchema).data;
  if (config.allowedTenantKeys && !config.allowedTenantKeys.includes(user.tenant_key)) {
    throw new ConnectorError('connector.not_allowed', `${vendor}: tenant not allowed`);
  }
  const email = user.enterprise_email || user.email || undefined;
  const phone = toPhone(user.mobile || undefined);
  const raw: Record<string, unknown> = { open_id: user.open_id, tenant_key: user.tenant_key };
  for (const k of ['union_id', 'user_id', 'name', 'en_name', 'employee_no'] as const) if (user[k]) raw[k] = user[k];
  return {
    id: user.union_id || user.open_id,
    ...(user.union_id ? { unionId: user.union_id } : {}),
    ...(user.name ? { name: user.name } : {}),
    ...(user.avatar_url ? { picture: user.avatar_url } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone: phone.phone, ...(phone.phoneCountryCode ? { phoneCountryCode: phone.phoneCountryCode } : {}) } : {}),
    raw,
  };
}

export const larkInternal = larkFactory('lark-internal', 'Feishu / Lark self-built app (飞书企业自建应用)');
export const larkPublic = larkFactory('lark-public', 'Feishu / Lark store app (飞书应用商店应用)');
