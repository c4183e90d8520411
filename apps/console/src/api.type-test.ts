/**
 * Type-level tests of the typed client (checked by `npm run typecheck`, never bundled): each
 * `@ts-expect-error` fails the typecheck when the line it marks compiles, so a client that
 * became lenient again (a widened call falling through to an untyped overload) breaks the build.
 */
import { api } from './api';

export async function typeTests(kind: string, path: string) {
  // A generated operation: body and answer come from the OpenAPI document.
  const app = await api.get('get-application', { appId: 'a' });
  app?.redirectUris.map((u: string) => u);
  // @ts-expect-error an enum of the schema (targetType) given a wider string
  await api.post('assign-role', { code: 'r', targets: [{ targetType: kind, targetIdentifier: 'u' }] });
  // @ts-expect-error a property the schema does not have
  await api.post('delete-application', { appId: 'a', nope: 1 });
  // @ts-expect-error a typed answer cannot be renamed by the caller
  await api.get<{ other: string }>('list-applications', { page: 1 });
  // @ts-expect-error a widened path could name any operation, so it is refused
  await api.post(path, {});

  // An operation whose answer the document leaves open: the caller names the answer, the query is still checked.
  const sms = await api.get<{ provider?: string }>('get-sms-provider');
  sms.provider?.toString();
  // @ts-expect-error its body is still checked (kind is 'sms' | 'email')
  await api.post<unknown>('send-test-message', { kind, channel: 'CHANNEL_LOGIN', lang: 'en', to: 'x@example.com' });

  // A route missing from the generated file must spell its path out as a type.
  await api.get<{ ok: boolean }, 'console/not-generated-yet'>('console/not-generated-yet');
  // @ts-expect-error a generated operation cannot take the untyped form
  await api.get<{ ok: boolean }, 'list-applications'>('list-applications');
}
