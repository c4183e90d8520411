import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { renderMessage } from '@gatehouse/contracts';
import { bearerToken } from '../../plugins/credentials.js';
import { appContext } from '../auth/auth-context.js';

/**
 * The smallest part of the vendor's GraphQL endpoint (`/graphql/v2`, authing-js-sdk v4) that
 * Guard needs to start: the `user` query it sends on load to learn whether someone is already
 * signed in. With a valid access token it answers that user; without one, the vendor's
 * "not signed in" error (code 2020), after which Guard shows its sign-in form. Any other
 * operation answers a GraphQL error naming it — Gatehouse does not implement the vendor's
 * GraphQL schema (133 operations); its REST API covers the same ground.
 *
 * The query text is not parsed as GraphQL: only the operation name is read, so nothing a
 * client writes in the query can select data beyond the fixed answer.
 */
const Body = Type.Object({ query: Type.String({ maxLength: 20_000 }), variables: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])), operationName: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])) });

const operationOf = (query: string): string | undefined => /^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];

export async function guardGraphqlRoutes(app: FastifyInstance, opts: { onOrigin: (req: FastifyRequest, reply: FastifyReply) => Promise<void> }): Promise<void> {
  const { services } = app.gh;
  const fail = (code: number, message: string) => ({ data: null, errors: [{ message: { code, message }, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });

  app.post<{ Body: Static<typeof Body> }>('/graphql/v2', { config: { envelope: 'v2' }, schema: { tags: ['guard'], summary: 'Authing Guard: the `user` query (current user); other GraphQL operations are not implemented', body: Body } }, async (req, reply) => {
    const ctx = await appContext(app, req);
    await opts.onOrigin(req, reply);
    const op = operationOf(req.body.query) ?? req.body.operationName ?? '';
    if (op !== 'user') return fail(404, `Gatehouse does not implement the GraphQL operation ${op.slice(0, 64) || '(anonymous)'}; use the REST API`);
    const token = bearerToken(req);
    const claims = token ? await app.gh.oidc.tokens.verifyAccessToken(ctx.poolId, token) : null;
    if (!claims) return fail(2020, renderMessage('auth.not_logged_in', req.lang));
    const u = await services.users.get(ctx.poolId, { userId: claims.userId, withCustomData: true });
    return { data: { user: { ...u, id: u.userId, userPoolId: ctx.poolId, customData: Object.entries(u.customData ?? {}).map(([key, value]) => ({ key, value: String(value), dataType: typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING', label: key })) } } };
  });
}
