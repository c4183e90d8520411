import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { renderPng, renderSvg } from '../../../services/qrcode/image.js';
import { payloadOf, reportedStatus } from '../../../services/qrcode/types.js';

/**
 * The QR image behind every `url` the gene endpoints return (issue #6): `/qrcode/<id>.png`,
 * `.svg`, and `.json` (the decoded payload, for phone-side scripts that cannot read images).
 * Outside `/api`, so real HTTP statuses: 404 unknown, 410 expired or already used.
 */
const Params = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}\\.(png|svg|json)$' }) });

export async function qrImageRoutes(app: FastifyInstance): Promise<void> {
  const qr = app.gh.qrcode;
  app.get<{ Params: Static<typeof Params> }>('/qrcode/:file', { schema: { tags: ['qrcode'], summary: 'QR code image (png, svg) or payload (json)', params: Params } }, async (req, reply) => {
    const [id, ext] = req.params.file.split('.') as [string, 'png' | 'svg' | 'json'];
    const record = await qr.get(id);
    if (reportedStatus(record) !== 'PENDING') throw new AppError(reportedStatus(record) === 'EXPIRED' ? 'qrcode.expired' : 'qrcode.already_scanned');
    reply.header('cache-control', 'no-store');
    if (ext === 'png') return reply.type('image/png').send(await renderPng(record));
    if (ext === 'svg') return reply.type('image/svg+xml').send(await renderSvg(record));
    return payloadOf(record);
  });
}
