import type { FastifyInstance } from 'fastify';
import { loginCodeRoutes } from './login-code.js';
import { passwordCredentialRoutes } from './password-credential.js';
import { passwordResetRoutes } from './password-reset.js';

/** Account-lifecycle routes of the authentication API (issue #4): login codes, bind/unbind password, reset. */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  await app.register(loginCodeRoutes);
  await app.register(passwordCredentialRoutes);
  await app.register(passwordResetRoutes);
}
