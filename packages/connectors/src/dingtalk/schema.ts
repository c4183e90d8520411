import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';
import { DisplaySchema, SyncIntervalSchema } from '../china-shared/org-source-fields.js';

/** `dingtalk` and `dingtalk:mobile`: a DingTalk self-built (企业内部) application. */
export const DingtalkConfigSchema = Type.Object(
  {
    corpId: Type.String({ minLength: 1, maxLength: 64, description: 'CorpId of the organisation (ding…)' }),
    agentId: Type.Optional(Type.String({ maxLength: 32, description: 'AgentId of the application (kept for the organisation source; not needed to sign in)' })),
    appKey: Type.String({ minLength: 1, maxLength: 64, description: 'AppKey (Client ID)' }),
    appSecret: Type.String({ minLength: 1, maxLength: 128, description: 'AppSecret (Client Secret; secret)' }),
    membersOnly: Type.Boolean({ default: true, description: 'Admit only members of this organisation (checked with topapi/user/getbyunionid)' }),
    display: DisplaySchema,
    syncIntervalMinutes: SyncIntervalSchema,
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type DingtalkConfig = Static<typeof DingtalkConfigSchema>;
export type DingtalkConfigInput = WithDefaults<DingtalkConfig, 'membersOnly' | 'timeoutMs' | 'display' | 'syncIntervalMinutes'>;

/** Organisation sync: the same application, with the contacts read permissions (通讯录只读权限). */
export const DingtalkOrgSyncConfigSchema = Type.Object(
  {
    appKey: Type.String({ minLength: 1 }),
    appSecret: Type.String({ minLength: 1 }),
    rootDepartmentId: Type.String({ default: '1', pattern: '^\\d+$' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: true },
);
export type DingtalkOrgSyncConfig = Static<typeof DingtalkOrgSyncConfigSchema>;
export type DingtalkOrgSyncConfigInput = WithDefaults<DingtalkOrgSyncConfig, 'rootDepartmentId' | 'timeoutMs'>;

export const UserTokenSchema = Type.Object({ accessToken: Type.String({ minLength: 1 }), expireIn: Type.Optional(Type.Number()), corpId: Type.Optional(Type.String()) });
export const AppTokenSchema = Type.Object({ accessToken: Type.String({ minLength: 1 }), expireIn: Type.Number({ minimum: 1 }) });
export const MeSchema = Type.Object({
  unionId: Type.String({ minLength: 1 }),
  openId: Type.Optional(Type.String()),
  nick: Type.Optional(Type.String()),
  avatarUrl: Type.Optional(Type.String()),
  mobile: Type.Optional(Type.String()),
  stateCode: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
});
export const SnsUserSchema = Type.Object({
  user_info: Type.Object({ unionid: Type.String({ minLength: 1 }), openid: Type.Optional(Type.String()), nick: Type.Optional(Type.String()) }),
});
export const ByUnionIdSchema = Type.Object({ result: Type.Object({ userid: Type.String({ minLength: 1 }), contact_type: Type.Optional(Type.Number()) }) });
export const DeptSchema = Type.Object({
  result: Type.Object({ dept_id: Type.Number(), name: Type.String(), parent_id: Type.Optional(Type.Number()), order: Type.Optional(Type.Number()) }),
});
export const SubDeptsSchema = Type.Object({ result: Type.Array(Type.Object({ dept_id: Type.Number(), name: Type.String(), parent_id: Type.Optional(Type.Number()) })) });
export const UserPageSchema = Type.Object({
  result: Type.Object({
    has_more: Type.Boolean(),
    next_cursor: Type.Optional(Type.Number()),
    list: Type.Array(
      Type.Object({
        userid: Type.String({ minLength: 1 }),
        unionid: Type.Optional(Type.String()),
        name: Type.String(),
        mobile: Type.Optional(Type.String()),
        state_code: Type.Optional(Type.String()),
        email: Type.Optional(Type.String()),
        org_email: Type.Optional(Type.String()),
        dept_id_list: Type.Array(Type.Number()),
        active: Type.Optional(Type.Boolean()),
      }),
    ),
  }),
});
