import { errorCatalog, type ErrorCode } from '@gatehouse/contracts';

export interface AppErrorOptions {
  /** Values for `{placeholders}` in the catalogued message; must be client-safe. */
  params?: Record<string, string | number>;
  /** Validation details shown to the client (field paths and reasons only). */
  details?: Array<{ path: string; message: string }>;
  /** The underlying error: logged, never sent. */
  cause?: unknown;
  /**
   * Client-safe data sent with the error in the envelope's `data` (e.g. the `mfaToken` of a
   * sign-in that needs a second factor, apiCode 1635). Never secrets.
   */
  data?: Record<string, unknown>;
}

/** The only error type that reaches clients with a specific message. Accepts catalogued codes only. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly apiCode: number;
  readonly status: number;
  readonly params: Record<string, string | number> | undefined;
  readonly details: AppErrorOptions['details'];
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.apiCode = errorCatalog[code].apiCode;
    this.status = errorCatalog[code].status;
    this.params = options.params;
    this.details = options.details;
    this.data = options.data;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** `request.unsupported_field`: a vendor field Gatehouse does not implement was set; names the field. */
export const unsupportedField = (field: string): AppError => new AppError('request.unsupported_field', { params: { field } });

/** `request.invalid_input` with one detail: the field's path and what is wrong with it. */
export const invalidInput = (path: string, message: string): AppError => new AppError('request.invalid_input', { details: [{ path, message }] });
