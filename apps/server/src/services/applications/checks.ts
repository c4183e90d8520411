import { AppError } from '../../errors/app-error.js';

/** Small validation helpers shared by the application modules. */

export const invalidConfig = (reason: string, path?: string): AppError =>
  new AppError('application.invalid_config', { params: { reason }, ...(path ? { details: [{ path, message: reason }] } : {}) });
export const present = (v: unknown) => v !== undefined && v !== null;
export const unique = <T>(xs: T[]) => [...new Set(xs)];
