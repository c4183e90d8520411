import type { SecretBox } from '../../utils/crypto.js';

/**
 * A connector config sealed at rest as one JSON document (AES-GCM with the master key, see
 * utils/crypto.ts). The context is the additional authenticated data: it binds the sealed
 * value to its owner (pool and kind, or connection id), so a row copied onto another owner
 * does not open. Sealing protects a stolen database or backup; it does not protect against
 * someone who also holds the master key or runs code in the server.
 */
export const sealConfig = (box: SecretBox, config: Record<string, unknown>, context: string): string => box.seal(JSON.stringify(config), context);

export const openConfig = (box: SecretBox, sealed: string, context: string): Record<string, unknown> => JSON.parse(box.open(sealed, context)) as Record<string, unknown>;
