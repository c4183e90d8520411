// @ts-expect-error -- internal module of oidc-provider (no types); see the comment below.
import introspection from 'oidc-provider/lib/actions/introspection.js';
// @ts-expect-error -- internal module of oidc-provider (no types).
import revocation from 'oidc-provider/lib/actions/revocation.js';
// @ts-expect-error -- internal module of oidc-provider (no types).
import rejectStructuredTokens from 'oidc-provider/lib/shared/reject_structured_tokens.js';

/**
 * oidc-provider refuses JWT tokens at introspection and revocation outright, because it does
 * not store them. Gatehouse's adapter finds its own JWT access tokens by verifying them (see
 * adapter.ts, jwt-access-tokens.ts), and issue #3 needs those tokens introspectable and
 * revocable like any other. So the one middleware that
 * refuses them is removed from both endpoint stacks, once, before any provider is built.
 * Pinned to oidc-provider 9.x: if the internals move, the checks below fail loudly at startup.
 */
let done = false;
export function allowStructuredTokensAtIntrospectionAndRevocation(): void {
  if (done) return;
  for (const [name, stack] of [['introspection', introspection], ['revocation', revocation]] as const) {
    const list = stack as unknown[];
    const i = list.indexOf(rejectStructuredTokens);
    if (i < 0) throw new Error(`oidc-provider internals changed: rejectStructuredTokens not found in the ${name} stack`);
    list.splice(i, 1);
  }
  done = true;
}
