import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { AnyObject, Envelope, mgmtSecurity } from '../common.js';

/*
 * Directory connections (issue 14, docs/ldap.md): "test connection" for `ldap` / `ad`. Creating,
 * editing and enabling connections are the identity-source operations (ext-idps.ts).
 */
const tags = ['directories'];

const TestBody = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A saved connection (its stored fields, secrets included, are used).' })),
    type: Type.Optional(Type.Union([Type.Literal('ldap'), Type.Literal('ad')], { description: 'With `fields`: test before saving.' })),
    fields: Type.Optional(AnyObject),
  },
  { additionalProperties: false },
);

const TestResult = Type.Object({
  success: Type.Boolean(),
  step: Type.Union([Type.Literal('connect'), Type.Literal('tls'), Type.Literal('bind'), Type.Literal('search')]),
  message: Type.String(),
});

export async function directoryRoutes(app: FastifyInstance): Promise<void> {
  const { directory } = app.gh;

  app.post<{ Body: Static<typeof TestBody> }>(
    '/test-ext-idp-conn',
    {
      schema: {
        tags,
        summary: 'Test a directory connection (Gatehouse extension): connect → TLS → bind as the service account → search the base DN; says which step failed',
        security: mgmtSecurity,
        body: TestBody,
        response: { 200: Envelope(TestResult) },
      },
    },
    async (req) => {
      const b = req.body;
      const poolId = managementPool(req);
      if (b.id !== undefined) {
        if (b.type !== undefined || b.fields !== undefined) throw new AppError('request.invalid_input', { details: [{ path: '/id', message: 'give either id or type and fields' }] });
        return envelope(req, await directory.testSaved(poolId, b.id));
      }
      if (!b.type || !b.fields) throw new AppError('request.invalid_input', { details: [{ path: b.type ? '/fields' : '/type', message: 'id, or type and fields, are required' }] });
      return envelope(req, await directory.test(b.type, b.fields));
    },
  );
}
