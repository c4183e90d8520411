import QRCode from 'qrcode';
import { payloadOf, type QrRecord } from './types.js';

/**
 * The QR image Gatehouse serves for each code (issue #6). It encodes the seed's JSON payload
 * (`scene, random, userPoolId, createdAt, expireAt, expiresIn, customData`), which the mobile
 * app decodes to get `random`. Error correction M: readable from a screen at arm's length.
 */
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export const qrText = (r: QrRecord) => JSON.stringify(payloadOf(r));

export const renderPng = (r: QrRecord, width = 240): Promise<Buffer> => QRCode.toBuffer(qrText(r), { ...OPTIONS, type: 'png', width });

export const renderSvg = (r: QrRecord, width = 240): Promise<string> => QRCode.toString(qrText(r), { ...OPTIONS, type: 'svg', width });

/** Public image URL of a code; built from `publicUrl`, never from the Host header. */
export const imageUrl = (publicUrl: string, id: string, ext: 'png' | 'svg' = 'png') => `${publicUrl.replace(/\/$/, '')}/qrcode/${id}.${ext}`;
