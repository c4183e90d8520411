import { Type, type TSchema } from '@sinclair/typebox';

/** Shared pieces of route schemas. */
export const mgmtSecurity = [{ authingSignature: [] }];

/** The `/api/v3` envelope as a response schema for the OpenAPI document. */
export const Envelope = <T extends TSchema>(data: T) =>
  Type.Object({
    statusCode: Type.Integer({ description: '200 on success; otherwise the error class (400, 401, 403, 404, 409, 413, 422, 429, 500).' }),
    message: Type.String(),
    apiCode: Type.Optional(Type.Integer({ description: 'Catalogued error number (docs/errors.md).' })),
    requestId: Type.String(),
    data,
  });

/** How a password in the body is encrypted (the vendor's `passwordEncryptType`). */
export const PasswordEncryptType = Type.Union([Type.Literal('none'), Type.Literal('rsa'), Type.Literal('sm2')]);

/** A free-form JSON object (vendor payloads and settings this layer passes on whole). */
export const AnyObject = Type.Object({}, { additionalProperties: true });

export const IsSuccess = Type.Object({ success: Type.Boolean() });

/** Pagination as the reference list endpoints take it: page from 1, limit at most 50 by default. */
export const PageQuery = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
};
