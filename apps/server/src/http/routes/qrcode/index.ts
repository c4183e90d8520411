import type { FastifyInstance } from 'fastify';
import { seedQrRoutes } from './seed.js';
import { v3QrRoutes } from './v3.js';
import { qrImageRoutes } from './image.js';
import { qrDemoRoutes } from './demo.js';

/** Issue #6: the one QR-code login flow behind its three API generations, its image and its demo page. */
export async function qrcodeRoutes(app: FastifyInstance): Promise<void> {
  await app.register(seedQrRoutes, { prefix: '/api/qrcode' });
  await app.register(seedQrRoutes, { prefix: '/api/v2/qrcode' });
  await app.register(v3QrRoutes, { prefix: '/api/v3' });
  await app.register(qrImageRoutes);
  await app.register(qrDemoRoutes);
}
