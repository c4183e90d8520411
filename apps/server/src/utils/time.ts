/** Timestamps are stored as ISO-8601 UTC strings (storage/db/schema.ts). */
export const nowIso = (): string => new Date().toISOString();
