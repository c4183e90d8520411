import { AppError } from '../../errors/app-error.js';
import { APP_IDENTIFIER_PATTERN } from './vocabulary.js';

const identifierRe = new RegExp(APP_IDENTIFIER_PATTERN);

export function checkIdentifier(identifier: string): void {
  if (!identifierRe.test(identifier)) throw new AppError('request.invalid_input', { details: [{ path: 'appIdentifier', message: `must match ${APP_IDENTIFIER_PATTERN}` }] });
}

/** Turns an app name into a default `appIdentifier`: ASCII slug, or `app` for names without Latin letters. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'app';
}
