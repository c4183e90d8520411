import { AppError } from './app-error.js';

/**
 * The single mapping of foreign errors (Fastify, body parser, database) to catalogued ones.
 * Anything unrecognised becomes `internal.error`: the client sees a generic message and the
 * log keeps the cause.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; statusCode?: number; validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown>; keyword?: string }>; validationContext?: string };
  if (e?.validation) {
    const where = e.validationContext ?? 'body';
    const details = e.validation.map((v) => {
      const extra = v.keyword === 'additionalProperties' ? ` '${String(v.params?.additionalProperty)}'` : '';
      const path = `${where}${v.instancePath ?? ''}`;
      return { path, message: `${v.message ?? 'is invalid'}${extra}` };
    });
    return new AppError('request.invalid_input', { details, cause: err });
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('request.malformed_json', { cause: err });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.body_too_large', { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.unsupported_media_type', { cause: err });
    default:
      break;
  }
  if (err instanceof SyntaxError && e?.statusCode === 400) return new AppError('request.malformed_json', { cause: err });
  return new AppError('internal.error', { cause: err });
}

/** Unique-constraint violations on SQLite (better-sqlite3) and PostgreSQL (23505). */
export function isUniqueViolation(err: unknown): { constraint: string } | null {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505') return { constraint: e.constraint ?? '' };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { constraint: e.message ?? '' };
  }
  return null;
}
