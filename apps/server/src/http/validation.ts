import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { toAppError } from '../errors/to-app-error.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators. Bodies are JSON and must already have the right types: a string where a
 * number belongs is an error, not something to coerce, and unknown fields are refused
 * (schemas set additionalProperties: false). Query strings and params are text by nature,
 * so they are coerced to the declared types.
 */
export function makeAjv(extra: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, strict: false, ...extra });
  addFormats(ajv);
  return ajv;
}

export function registerValidation(app: FastifyInstance): void {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
}

let cliAjv: Ajv | undefined;
/**
 * Validates `value` against a route's body schema with the body validator's settings and maps
 * a failure exactly as the error handler maps the API's (toAppError), so the CLI, which calls
 * the same services, refuses the same input with the same message.
 */
export function validateLikeTheApi<T>(schema: object, value: unknown, where: 'body' | 'querystring' = 'body'): T {
  cliAjv ??= makeAjv({ coerceTypes: false });
  const check = cliAjv.compile(schema);
  if (!check(value)) throw toAppError({ validation: check.errors ?? [], validationContext: where });
  return value as T;
}
