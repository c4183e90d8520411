import { readFileSync, statSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../../errors/app-error.js';
import { PROFILE_COLUMNS, USER_STATUSES } from '../../services/users.js';
import { MAX_IMPORT, type ImportUser } from '../../services/credentials/user-passwords.js';

/**
 * Reads and type-checks an import file before the database is touched. Errors name the entry
 * and field (`list/3/email: …`) as the management API does.
 */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const S = (max = 1024) => Type.Optional(Type.String({ maxLength: max }));

const Item = Type.Object(
  {
    ...Object.fromEntries(Object.keys(PROFILE_COLUMNS).map((k) => [k, S()])),
    username: S(255),
    email: S(320),
    phone: S(64),
    externalId: S(255),
    status: Type.Optional(Type.Union(USER_STATUSES.map((s) => Type.Literal(s)))),
    gender: Type.Optional(Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U')])),
    emailVerified: Type.Optional(Type.Boolean()),
    phoneVerified: Type.Optional(Type.Boolean()),
    customData: Type.Optional(Type.Object({}, { additionalProperties: true })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    passwordHash: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const invalid = (details: Array<{ path: string; message: string }>) => new AppError('request.invalid_input', { details });

export function parseImportFile(file: string): ImportUser[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw invalid([{ path: file, message: `is larger than ${MAX_FILE_BYTES} bytes` }]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid([{ path: file, message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid([{ path: file, message: `is not valid JSON (${(err as Error).message})` }]);
  }
  const list = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { users?: unknown }).users) ? (data as { users: unknown[] }).users : null;
  if (!list) throw invalid([{ path: file, message: 'must be a JSON array of users, or an object {"users": [...]}' }]);
  if (list.length === 0) throw invalid([{ path: file, message: 'has no users' }]);
  if (list.length > MAX_IMPORT) throw new AppError('user.batch_too_large', { params: { max: MAX_IMPORT } });
  const problems: Array<{ path: string; message: string }> = [];
  list.forEach((item, i) => {
    for (const e of Value.Errors(Item, item)) {
      if (problems.length < 20) problems.push({ path: `list/${i}${e.path}`, message: e.message });
    }
  });
  if (problems.length) throw invalid(problems);
  return list as ImportUser[];
}
