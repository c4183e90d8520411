import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Fields of an `azure-ad` connection (Entra admin center → App registrations → New registration, platform "Web"). */
export const AzureAdConfigSchema = Type.Object(
  {
    clientId: Type.String({ pattern: GUID, description: 'Application (client) ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'Client secret value (secret)' }),
    tenant: Type.String({
      default: 'organizations',
      pattern: `(${GUID})|^(common|organizations|consumers)$|^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$`,
      description: 'Authority: a tenant ID or verified domain (single organisation), organizations (any work/school account), common (work/school and personal accounts) or consumers (personal accounts)',
    }),
    allowedTenants: Type.Array(Type.String({ pattern: GUID }), {
      default: [],
      maxItems: 500,
      description: 'Tenant IDs admitted; empty admits every tenant the authority admits (for common/organizations: any organisation — set this unless that is intended)',
    }),
    scopes: Type.String({ default: 'openid profile email', maxLength: 2000, description: 'Scopes, space separated; openid and profile are always sent' }),
    prompt: Type.Optional(Type.Union([Type.Literal('login'), Type.Literal('none'), Type.Literal('consent'), Type.Literal('select_account')])),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type AzureAdConfig = Static<typeof AzureAdConfigSchema>;
export type AzureAdConfigInput = WithDefaults<AzureAdConfig, 'tenant' | 'allowedTenants' | 'scopes' | 'timeoutMs'>;
