import type { FastifyInstance } from 'fastify';
import { registerRequestSigning } from '../../plugins/request-signing.js';
import { userRoutes } from './users.js';
import { applicationRoutes } from './applications.js';
import { roleRoutes } from './roles.js';
import { brandingRoutes } from './branding.js';
import { poolRoutes } from './pools.js';
import { authAdminRoutes } from './auth-admin.js';
import { messagingAdminRoutes } from './messaging-admin.js';
import { loginTypesAdminRoutes } from './login-types-admin.js';
import { accessKeyRoutes } from './access-keys.js';
import { directoryRoutes } from './directory.js';
import { pipelineRoutes } from './pipeline.js';
import { organizationRoutes } from './organizations.js';
import { departmentRoutes } from './departments.js';
import { groupRoutes } from './groups.js';
import { permissionRoutes } from './permissions.js';
import { extIdpRoutes } from './ext-idps.js';
import { mfaAdminRoutes } from './mfa-admin.js';
import { webhookRoutes } from './webhooks.js';
import { customFieldRoutes } from './custom-fields.js';
import { consoleRoutes } from './console.js';
import { administratorRoutes } from './administrators.js';
import { chinaRoutes } from './china.js';

/**
 * The signed management API under /api/v3. The signing hook is registered in this
 * encapsulation context only, so the authentication API (same prefix, other plugin) is not
 * affected. One file per resource.
 */
export async function managementRoutes(app: FastifyInstance): Promise<void> {
  registerRequestSigning(app);
  await app.register(userRoutes);
  await app.register(applicationRoutes);
  await app.register(roleRoutes);
  await app.register(brandingRoutes);
  await app.register(poolRoutes);
  await app.register(authAdminRoutes);
  await app.register(loginTypesAdminRoutes);
  await app.register(messagingAdminRoutes);
  await app.register(accessKeyRoutes);
  await app.register(directoryRoutes);
  await app.register(pipelineRoutes);
  await app.register(organizationRoutes);
  await app.register(departmentRoutes);
  await app.register(groupRoutes);
  await app.register(permissionRoutes);
  await app.register(extIdpRoutes);
  await app.register(mfaAdminRoutes);
  await app.register(webhookRoutes);
  await app.register(customFieldRoutes);
  await app.register(consoleRoutes);
  await app.register(administratorRoutes);
  await app.register(chinaRoutes);
}
