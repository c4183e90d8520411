import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { AppError } from '../../errors/app-error.js';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/**
 * Validates a method's input against its schema (compiled once per schema). The vendor clients
 * send `undefined` fields that JSON drops; an explicit `null` is treated the same way. The first
 * problem is named with its path, e.g. `body/passwordPayload/password`.
 */
export function validateInput<T>(schema: TSchema, raw: unknown, path: string, missing: () => AppError): T {
  if (raw === undefined || raw === null) throw missing();
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  const value = typeof raw === 'object' && !Array.isArray(raw) ? Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => v !== null)) : raw;
  // Check() is the compiled validator; Errors() walks the schema interpretively, so it runs only
  // to name the problem of an input that failed (it used to run on every valid sign-in too).
  if (check.Check(value)) return value as T;
  const first = check.Errors(value)[Symbol.iterator]().next();
  if (!first.done) throw new AppError('request.invalid_input', { details: [{ path: `${path}${first.value.path}`, message: first.value.message }] });
  return value as T;
}
