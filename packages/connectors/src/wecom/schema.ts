import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';
import { DisplaySchema, SyncIntervalSchema } from '../china-shared/org-source-fields.js';

/** `wechatwork:corp:qrconnect` and `wechatwork:mobile`: a WeCom self-built application (自建应用). */
export const WecomConfigSchema = Type.Object(
  {
    corpId: Type.String({ minLength: 1, maxLength: 64, description: 'CorpID (企业ID, ww…)' }),
    agentId: Type.String({ minLength: 1, maxLength: 32, pattern: '^\\d+$', description: 'AgentId of the self-built application' }),
    secret: Type.String({ minLength: 1, maxLength: 128, description: 'Secret of the application (secret)' }),
    fetchPrivateInfo: Type.Boolean({ default: true, description: 'Read mobile and email with the user_ticket (auth/getuserdetail)' }),
    display: DisplaySchema,
    syncIntervalMinutes: SyncIntervalSchema,
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type WecomConfig = Static<typeof WecomConfigSchema>;
export type WecomConfigInput = WithDefaults<WecomConfig, 'fetchPrivateInfo' | 'timeoutMs' | 'display' | 'syncIntervalMinutes'>;

/** Organisation sync: the contacts-sync secret (通讯录同步) or an application secret whose visible range covers the organisation. */
export const WecomOrgSyncConfigSchema = Type.Object(
  {
    corpId: Type.String({ minLength: 1 }),
    secret: Type.String({ minLength: 1 }),
    rootDepartmentId: Type.String({ default: '1', pattern: '^\\d+$' }),
    members: Type.Union([Type.Literal('list'), Type.Literal('simplelist')], {
      default: 'list',
      description: 'list: user/list per department (details included); simplelist: user/simplelist + user/get per member',
    }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: true },
);
export type WecomOrgSyncConfig = Static<typeof WecomOrgSyncConfigSchema>;
export type WecomOrgSyncConfigInput = WithDefaults<WecomOrgSyncConfig, 'rootDepartmentId' | 'members' | 'timeoutMs'>;

export const TokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Number({ minimum: 1 }) });
export const AuthUserSchema = Type.Object({
  userid: Type.Optional(Type.String()),
  user_ticket: Type.Optional(Type.String()),
  openid: Type.Optional(Type.String()),
  external_userid: Type.Optional(Type.String()),
});
export const UserDetailSchema = Type.Object({
  userid: Type.String(),
  mobile: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  biz_mail: Type.Optional(Type.String()),
  avatar: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
});
const Member = {
  userid: Type.String({ minLength: 1 }),
  name: Type.String(),
  department: Type.Array(Type.Number()),
  status: Type.Optional(Type.Number()),
  mobile: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  biz_mail: Type.Optional(Type.String()),
  avatar: Type.Optional(Type.String()),
  position: Type.Optional(Type.String()),
};
export const UserGetSchema = Type.Object(Member);
export const UserListSchema = Type.Object({ userlist: Type.Array(Type.Object(Member)) });
export const SimpleListSchema = Type.Object({ userlist: Type.Array(Type.Object({ userid: Type.String({ minLength: 1 }), name: Type.String(), department: Type.Array(Type.Number()) })) });
export const DepartmentListSchema = Type.Object({
  department: Type.Array(Type.Object({ id: Type.Number(), name: Type.Optional(Type.String()), parentid: Type.Number(), order: Type.Optional(Type.Number()) })),
});
