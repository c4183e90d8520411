import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { foldBracketArrays } from '../../query-arrays.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity, Envelope, IsSuccess, PasswordEncryptType } from '../common.js';
import { UserOut } from './org-schemas.js';
import { USER_ID_TYPES, USER_STATUSES } from '../../../services/users.js';

/**
 * User management, as the vendor's `ManagementClient` calls it (authing-node-sdk
 * `src/ManagementClient.ts`; request/response shapes from `src/models/*.ts`). Every field of
 * the vendor DTOs is declared so the OpenAPI document is complete and unknown fields are
 * refused; fields Gatehouse does not implement yet are refused by the service when non-empty.
 */

const opt = <T extends TSchema>(s: T) => Type.Optional(s);
const str = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const TEXT = 2048;

const Status = Type.Union(USER_STATUSES.map((s) => Type.Literal(s)), { description: 'Account status' });
const Gender = Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U')]);
const UserIdType = Type.Union(USER_ID_TYPES.map((s) => Type.Literal(s)), {
  description: 'How userId is to be read. Gatehouse supports user_id, email, phone, username and external_id.',
});
const CustomData = Type.Object({}, { additionalProperties: true, description: 'Free-form custom fields (a JSON object, at most 32 KiB).' });
const NotYet = (description: string) => ({ description: `${description} Not supported by Gatehouse yet: refused when non-empty.` });

/** Profile fields shared by `CreateUserReqDto`, `CreateUserInfoDto` and `UpdateUserReqDto`. */
const profileFields = {
  status: opt(Status),
  email: opt(Type.String({ format: 'email', maxLength: 320, description: 'Case-insensitive; stored lowercased. Unique in the pool.' })),
  phone: opt(Type.String({ minLength: 1, maxLength: 64, description: 'Without country code. Unique in the pool.' })),
  phoneCountryCode: opt(str(16)),
  username: opt(Type.String({ minLength: 1, maxLength: 255, description: 'Unique in the pool.' })),
  externalId: opt(Type.String({ minLength: 1, maxLength: 255, description: 'ID in an external system. Unique in the pool.' })),
  name: opt(str(255)),
  nickname: opt(str(255)),
  photo: opt(str(TEXT)),
  gender: opt(Gender),
  emailVerified: opt(Type.Boolean()),
  phoneVerified: opt(Type.Boolean()),
  birthdate: opt(str(32)),
  country: opt(str(64)),
  province: opt(str(255)),
  city: opt(str(255)),
  address: opt(str(TEXT)),
  streetAddress: opt(str(TEXT)),
  postalCode: opt(str(64)),
  company: opt(str(255)),
  browser: opt(str(255)),
  device: opt(str(255)),
  givenName: opt(str(255)),
  familyName: opt(str(255)),
  middleName: opt(str(255)),
  profile: opt(str(TEXT)),
  preferredUsername: opt(str(255)),
  website: opt(str(TEXT)),
  zoneinfo: opt(str(64)),
  locale: opt(str(32)),
  formatted: opt(str(TEXT)),
  region: opt(str(255)),
  identityNumber: opt(str(64)),
  password: opt(Type.String({ maxLength: 4096, description: 'Plain (or rsa/sm2-encrypted per options.passwordEncryptType) password, checked against the pool policy and stored as argon2id; with options.keepPassword an existing hash to import (docs/authentication.md).' })),
  customData: opt(CustomData),
};

/** Create-only fields of `CreateUserReqDto` / `CreateUserInfoDto`. */
const createOnlyFields = {
  salt: opt(Type.String({ maxLength: 1024, ...NotYet('Salt of a pre-hashed password.') })),
  tenantIds: opt(Type.Array(Type.String({ maxLength: 255 }), NotYet('Tenant IDs.'))),
  otp: opt(Type.Object({ secret: Type.String({ maxLength: 1024 }), recoveryCode: opt(Type.String({ maxLength: 1024 })) }, { additionalProperties: false, ...NotYet('OTP authenticator.') })),
  departmentIds: opt(Type.Array(Type.String({ maxLength: 255 }), NotYet('Department IDs.'))),
  metadataSource: opt(Type.Unknown(NotYet('Data-object fields.'))),
  identities: opt(Type.Array(Type.Unknown(), NotYet('External identities (CreateIdentityDto).'))),
};

/** `CreateUserOptionsDto`. */
const CreateUserOptions = Type.Object(
  {
    keepPassword: opt(Type.Boolean({ description: 'password is an existing hash (bcrypt, scrypt, pbkdf2, argon2, salted digests) to keep; upgraded to argon2id at the next sign-in.' })),
    autoGeneratePassword: opt(Type.Boolean({ description: 'Not supported yet: refused when true.' })),
    resetPasswordOnFirstLogin: opt(Type.Boolean()),
    departmentIdType: opt(Type.Union(['department_id', 'open_department_id', 'sync_relation', 'custom_field', 'code'].map((s) => Type.Literal(s)))),
    sendNotification: opt(
      Type.Object(
        { sendEmailNotification: opt(Type.Boolean()), sendPhoneNotification: opt(Type.Boolean()), appId: opt(str(255)) },
        { additionalProperties: false, ...NotYet('Account-created notification.') },
      ),
    ),
    passwordEncryptType: opt(PasswordEncryptType),
  },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object({ ...profileFields, ...createOnlyFields, options: opt(CreateUserOptions) }, { additionalProperties: false });
const CreateUserInfo = Type.Object({ ...profileFields, ...createOnlyFields }, { additionalProperties: false });
const CreateUsersBatchBody = Type.Object(
  { list: Type.Array(CreateUserInfo, { minItems: 1, description: 'At most 50 users; created all or none.' }), options: opt(CreateUserOptions) },
  { additionalProperties: false },
);

/** `UpdateUserReqDto` with `UpdateUserOptionsDto`. */
export const UpdateUserBody = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 320 }),
    ...profileFields,
    metadata: opt(Type.Unknown(NotYet('Data-object fields.'))),
    options: opt(
      Type.Object(
        {
          userIdType: opt(UserIdType),
          resetPasswordOnFirstLogin: opt(Type.Boolean()),
          resetPasswordOnNextLogin: opt(Type.Boolean()),
          passwordEncryptType: opt(PasswordEncryptType),
          autoGeneratePassword: opt(Type.Boolean({ description: 'Not supported yet: refused when true.' })),
          sendPasswordResetedNotification: opt(
            Type.Object(
              {
                sendDefaultEmailNotification: opt(Type.Boolean()),
                sendDefaultPhoneNotification: opt(Type.Boolean()),
                inputSendEmailNotification: opt(str(320)),
                inputSendPhoneNotification: opt(str(64)),
                appId: opt(str(255)),
              },
              { additionalProperties: false, ...NotYet('Password-reset notification.') },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const viewFlags = {
  withCustomData: opt(Type.Boolean({ default: false })),
  flatCustomData: opt(Type.Boolean({ default: false, description: 'Also put custom fields at the top level of each user.' })),
  withIdentities: opt(Type.Boolean({ default: false })),
  withDepartmentIds: opt(Type.Boolean({ default: false })),
  withPost: opt(Type.Boolean({ default: false })),
};

/** `ManagementClient.getUser` query. */
const GetUserQuery = Type.Object(
  { userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: opt(UserIdType), ...viewFlags },
  { additionalProperties: false },
);

/** `ManagementClient.getUserBatch` query; axios sends the list as `userIds[]=a&userIds[]=b`. */
const GetUserBatchQuery = Type.Object(
  {
    userIds: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, description: 'At most 50.' }),
    userIdType: opt(UserIdType),
    ...viewFlags,
  },
  { additionalProperties: false },
);

const SORT_FIELDS = ['id', 'createdAt', 'updatedAt', 'email', 'username', 'externalId', 'phone', 'status', 'statusChangedAt', 'passwordLastSetAt', 'loginsCount', 'gender', 'lastLogin', 'userSourceType', 'lastMfaTime', 'passwordSecurityLevel', 'phoneCountryCode', 'lastIp'];
const FUZZY_FIELDS = ['id', 'phone', 'email', 'name', 'username', 'externalId', 'nickname', 'company', 'givenName', 'familyName', 'middleName', 'profile', 'preferredUsername', 'website', 'address', 'formatted', 'streetAddress', 'postalCode', 'identityNumber'];
const OPERATORS = ['EQUAL', 'NOT_EQUAL', 'CONTAINS', 'NOT_CONTAINS', 'IS_NULL', 'NOT_NULL', 'IN', 'GREATER', 'LESSER', 'BETWEEN'];
const literals = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));

/** `ListUsersRequestDto` (`POST /api/v3/list-users`). */
export const ListUsersBody = Type.Object(
  {
    keywords: opt(Type.String({ maxLength: 255, description: 'Case-insensitive substring match over phone, email, name, username, nickname (or options.fuzzySearchOn).' })),
    advancedFilter: opt(
      Type.Array(
        Type.Object(
          {
            field: Type.String({ minLength: 1, maxLength: 64, description: 'A user field; department, loggedInApps, identity, userSource, lastLoginApp and custom fields are not supported yet.' }),
            operator: literals(OPERATORS),
            value: opt(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    searchQuery: opt(Type.Unknown(NotYet('Elasticsearch query.'))),
    options: opt(
      Type.Object(
        {
          pagination: opt(
            Type.Object(
              { page: opt(Type.Integer({ minimum: 1, default: 1 })), limit: opt(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) },
              { additionalProperties: false },
            ),
          ),
          sort: opt(Type.Array(Type.Object({ field: literals(SORT_FIELDS), order: literals(['asc', 'desc'] as const) }, { additionalProperties: false }), { maxItems: 5 })),
          fuzzySearchOn: opt(Type.Array(literals(FUZZY_FIELDS), { maxItems: FUZZY_FIELDS.length })),
          ...viewFlags,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `ManagementClient.listUsersLegacy` query (`GET /api/v3/list-users`, deprecated by the vendor). */
const ListUsersLegacyQuery = Type.Object(
  {
    page: opt(Type.Integer({ minimum: 1, default: 1 })),
    limit: opt(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    status: opt(Status),
    updatedAtStart: opt(Type.Integer({ minimum: 0, description: 'UNIX seconds' })),
    updatedAtEnd: opt(Type.Integer({ minimum: 0, description: 'UNIX seconds' })),
    withUserPasswordExpireTime: opt(Type.Boolean()),
    ...viewFlags,
  },
  { additionalProperties: false },
);

/** `DeleteUsersBatchDto`. */
const DeleteUsersBatchBody = Type.Object(
  {
    userIds: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, description: 'At most 50; all must exist in the pool, or nothing is deleted.' }),
    options: opt(Type.Object({ userIdType: opt(UserIdType) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** `IsUserExistsReqDto`. */
const IsUserExistsBody = Type.Object(
  {
    username: opt(Type.String({ minLength: 1, maxLength: 255 })),
    email: opt(Type.String({ minLength: 1, maxLength: 320 })),
    phone: opt(Type.String({ minLength: 1, maxLength: 64 })),
    externalId: opt(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

const User = UserOut;
/** Errors are sent through the same 200 response schema with `data: null`. */
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const tags = ['users'];

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const users = app.gh.services.users;

  app.post<{ Body: Static<typeof CreateUserBody> }>(
    '/create-user',
    { schema: { tags, summary: 'Create a user', security: mgmtSecurity, body: CreateUserBody, response: { 200: Envelope(OrNull(User)) } } },
    async (req) => envelope(req, await users.create(managementPool(req), req.body)),
  );

  app.post<{ Body: Static<typeof CreateUsersBatchBody> }>(
    '/create-users-batch',
    { schema: { tags, summary: 'Create up to 50 users, all or none', security: mgmtSecurity, body: CreateUsersBatchBody, response: { 200: Envelope(OrNull(Type.Array(User))) } } },
    async (req) => envelope(req, await users.createBatch(managementPool(req), req.body)),
  );

  app.get<{ Querystring: Static<typeof GetUserQuery> }>(
    '/get-user',
    { schema: { tags, summary: 'Get a user by id, email, phone, username or externalId', security: mgmtSecurity, querystring: GetUserQuery, response: { 200: Envelope(OrNull(User)) } } },
    async (req) => envelope(req, await users.get(managementPool(req), req.query)),
  );

  app.get<{ Querystring: Static<typeof GetUserBatchQuery> }>(
    '/get-user-batch',
    {
      preValidation: foldBracketArrays,
      schema: { tags, summary: 'Get up to 50 users; unknown ids are left out', security: mgmtSecurity, querystring: GetUserBatchQuery, response: { 200: Envelope(OrNull(Type.Array(User))) } },
    },
    async (req) => envelope(req, await users.getBatch(managementPool(req), req.query)),
  );

  const Page = Envelope(OrNull(Type.Object({ totalCount: Type.Integer(), list: Type.Array(User) })));
  app.post<{ Body: Static<typeof ListUsersBody> }>(
    '/list-users',
    { schema: { tags, summary: 'List users: pages, keyword search, advanced filters, sorting', security: mgmtSecurity, body: ListUsersBody, response: { 200: Page } } },
    async (req) => envelope(req, await users.list(managementPool(req), req.body ?? {})),
  );

  app.get<{ Querystring: Static<typeof ListUsersLegacyQuery> }>(
    '/list-users',
    { schema: { tags, summary: 'List users (deprecated GET form)', security: mgmtSecurity, querystring: ListUsersLegacyQuery, response: { 200: Page } } },
    async (req) => envelope(req, await users.listLegacy(managementPool(req), req.query)),
  );

  app.post<{ Body: Static<typeof UpdateUserBody> }>(
    '/update-user',
    { schema: { tags, summary: 'Update a user (partial)', security: mgmtSecurity, body: UpdateUserBody, response: { 200: Envelope(OrNull(User)) } } },
    async (req) => envelope(req, await users.update(managementPool(req), req.body)),
  );

  app.post<{ Body: Static<typeof DeleteUsersBatchBody> }>(
    '/delete-users-batch',
    { schema: { tags, summary: 'Delete up to 50 users, all or none', security: mgmtSecurity, body: DeleteUsersBatchBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      await users.deleteBatch(managementPool(req), req.body);
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof IsUserExistsBody> }>(
    '/is-user-exists',
    { schema: { tags, summary: 'Whether a user holds any of the given identifiers', security: mgmtSecurity, body: IsUserExistsBody, response: { 200: Envelope(OrNull(Type.Object({ exists: Type.Boolean() }))) } } },
    async (req) => envelope(req, { exists: await users.exists(managementPool(req), req.body) }),
  );
}
