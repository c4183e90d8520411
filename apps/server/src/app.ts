import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Container } from './container/index.js';
import { genReqId } from './http/plugins/request-id.js';
import { registerI18n } from './http/plugins/i18n.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerValidation } from './http/validation.js';
import { registerInputCharacters } from './http/plugins/input-characters.js';
import { registerAvailability } from './http/plugins/availability.js';
import { registerMetrics } from './http/plugins/metrics.js';
import { registerInFlight } from './http/plugins/in-flight.js';
import { registerOpenApi } from './http/plugins/openapi.js';
import { healthRoutes } from './http/routes/health/index.js';
import { managementRoutes } from './http/routes/management/management.js';
import { authenticationRoutes } from './http/routes/auth/authentication.js';
import { passcodeRoutes } from './http/routes/auth/passcodes.js';
import { contactBindingRoutes } from './http/routes/auth/contact-binding.js';
import { emailVerificationRoutes } from './http/routes/email/index.js';
import { accountRoutes } from './http/routes/auth/accounts.js';
import { permissionCheckRoutes } from './http/routes/auth/permissions.js';
import { oidcMount } from './oidc/mount.js';
import { interactionRoutes } from './http/routes/interaction/index.js';
import { qrcodeRoutes } from './http/routes/qrcode/index.js';
import { landingRoutes } from './http/routes/landing/index.js';
import { loginFlowRoutes } from './http/routes/login-flow/index.js';
import { loginUiRoutes } from './http/routes/login-ui/index.js';
import { guardCompatRoutes } from './http/routes/guard/index.js';
import { samlRoutes } from './http/routes/saml/index.js';
import { socialRoutes } from './http/routes/social/index.js';
import { socialAuthRoutes } from './http/routes/auth/social.js';
import { casRoutes } from './http/routes/cas/index.js';
import { mfaIntrospectionRoutes, mfaRoutes } from './http/routes/auth/mfa.js';
import { webauthnRoutes } from './http/routes/auth/webauthn.js';
import { consoleUiRoutes } from './http/routes/console/index.js';
import './http/types.js';

/**
 * Builds the HTTP app from a container. Registers everything explicitly; never listens
 * (main.ts does), so tests run the same app in-process.
 */
export async function buildApp(container: Container): Promise<FastifyInstance> {
  const { config, log } = container;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    genReqId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Graceful shutdown: close() stops accepting, lets in-flight requests finish, drops idle keep-alives.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('gh', container);
  // Before any route: close() also waits for handlers whose client has gone (http/plugins/in-flight.ts).
  registerInFlight(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
  });

  registerValidation(app);
  // Control characters in any request input: refused alike on every backend (docs/security.md "Identifiers").
  registerInputCharacters(app);
  registerI18n(app);
  registerErrorHandling(app);
  // Redis down: a fast, catalogued 503 instead of waiting on it (docs/security.md "Failure behaviour").
  registerAvailability(app, container.availability.kvOpen);
  registerMetrics(app);
  await registerOpenApi(app);

  await app.register(healthRoutes);
  await app.register(landingRoutes);
  await app.register(managementRoutes, { prefix: '/api/v3' });
  // The authentication API (issue #4): same prefix, outside the signed management context.
  await app.register(authenticationRoutes, { prefix: '/api/v3' });
  // Issue #4 account lifecycle: login codes, bind/unbind password, password reset.
  await app.register(accountRoutes, { prefix: '/api/v3' });
  await app.register(permissionCheckRoutes, { prefix: '/api/v3' });
  // Issue #5: sending SMS / email codes, binding phone and email, the email-verification link.
  await app.register(passcodeRoutes, { prefix: '/api/v3' });
  await app.register(contactBindingRoutes, { prefix: '/api/v3' });
  // Issue #15: MFA enrolment, step-up and the answer to a sign-in's MFA challenge (docs/mfa.md).
  await app.register(mfaRoutes, { prefix: '/api/v3' });
  await app.register(socialAuthRoutes, { prefix: '/api/v3' });
  await app.register(mfaIntrospectionRoutes);
  await app.register(webauthnRoutes, { prefix: '/api/v3' });
  await app.register(emailVerificationRoutes);
  // JitAi login-method instances from `loginTypesDir`, loaded when the app starts (fails the start when invalid).
  app.addHook('onReady', async () => {
    await container.accounts.loginTypes.loadConfigured();
  });
  // Issue #3: OIDC/OAuth 2.0 (per-pool providers under /oidc, /oauth, /pools/:poolId/…) and the hosted login.
  const { oidc } = container;
  await app.register(oidcMount, { registry: oidc.registry, publicUrl: config.publicUrl, defaultPoolId: oidc.defaultPoolId, poolExists: oidc.poolExists, defaultClientCredentialsScope: oidc.defaultClientCredentialsScope, ...(config.oidcFastEndpoints === 'on' ? { fast: oidc.fast } : {}) });
  await app.register(interactionRoutes, { oidc });
  // Issue #6: QR-code scan login (/api/qrcode, /api/v2/qrcode, /api/v3/*qrcode*, /qrcode/<id>.png, /demo/qrcode).
  await app.register(qrcodeRoutes);
  // The login UI: its JSON API (hosted page and embeddable element), built files, /login and the element demo.
  await app.register(loginFlowRoutes);
  await app.register(loginUiRoutes);
  await app.register(guardCompatRoutes);
  // SAML 2.0 identity provider and CAS server, on the one SSO session (docs/saml.md, docs/cas.md).
  await app.register(socialRoutes);
  await app.register(samlRoutes);
  await app.register(casRoutes);
  // The admin console's single-page app (docs/console.md); its API is the management API.
  await app.register(consoleUiRoutes);
  return app;
}
