import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';

/**
 * Control characters in request input, refused before schema validation on every route (JSON
 * bodies, form bodies, query strings, path parameters), authenticated or not, so every backend
 * answers alike: PostgreSQL cannot store U+0000 in text (`invalid byte sequence for encoding
 * "UTF8": 0x00`) where SQLite would, and CR/LF in an identifier is a log- and header-injection
 * vector.
 *
 * - Everywhere: NUL and the other C0 controls except TAB, LF and CR; DEL; C1 controls.
 *   Multi-line text (templates, PEM certificates, descriptions) keeps its TAB/LF/CR.
 * - In identifier fields (username, email, phone, account …), as keys anywhere in the input:
 *   every control character, TAB/LF/CR included.
 * - Password fields are left exactly as sent (ASVS 6.2.8: verify passwords as received); they
 *   are hashed, never stored or logged.
 *
 * The refusal is `identifier.control_characters` naming the field. The identifier profile
 * (services/users/identifier-profile.ts) applies further rules where users are written.
 */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_ANY = /[\u0000-\u001f\u007f-\u009f]/;

/** Field names that carry an identifier (vendor DTOs: SignInByPasswordPayload, SendSMS, CreateUser …). */
const IDENTIFIER_KEYS = new Set([
  'username',
  'email',
  'phone',
  'phonenumber',
  'phonecountrycode',
  'account',
  'externalid',
  'userid',
  'userids',
  'identifier',
  'loginname',
  'client_id',
  'clientid',
  'appid',
  'userpoolid',
  'redirect_uri',
  'redirecturi',
]);
const isPasswordKey = (key: string) => /password$/i.test(key);

interface Finding {
  path: string;
  field: string;
}

function scan(value: unknown, path: string, key: string, out: { found?: Finding }, identifier = false): void {
  if (out.found) return;
  if (typeof value === 'string') {
    if (isPasswordKey(key)) return;
    if ((identifier ? CONTROL_ANY : CONTROL_IN_TEXT).test(value)) out.found = { path, field: key || path };
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, `${path}/${i}`, key, out, identifier));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (CONTROL_ANY.test(k)) {
        out.found = { path: `${path}/${k.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}`, field: 'a field name' };
        return;
      }
      scan(v, `${path}/${k}`, k, out, IDENTIFIER_KEYS.has(k.toLowerCase()));
      if (out.found) return;
    }
  }
}

/**
 * Could this form-encoded body hold a control character once decoded? Only as the raw
 * character or percent-encoded: U+0000–U+001F as %00–%1F, U+007F as %7F, U+0080–U+009F as
 * %C2%80–%C2%9F (URLSearchParams decodes UTF-8; anything else decodes to other characters or
 * U+FFFD). A body without any of these needs no decoding to be cleared; token requests, sent at
 * thousands per second, almost never have one.
 */
const MAYBE_CONTROL_IN_FORM = /[\u0000-\u001f\u007f-\u009f]|%[01][0-9a-f]|%7f|%c2%[89][0-9a-f]/i;

export function findControlCharacters(req: Pick<FastifyRequest, 'body' | 'query' | 'params'>): Finding | undefined {
  const out: { found?: Finding } = {};
  scan(req.params, 'params', '', out);
  scan(req.query, 'querystring', '', out);
  if (typeof req.body === 'string') {
    if (!MAYBE_CONTROL_IN_FORM.test(req.body)) return out.found;
    // Form bodies (OAuth token requests) are read by the OIDC provider itself; check their values here.
    try {
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(req.body)) form[k] = v;
      scan(form, 'body', '', out);
    } catch {
      // Not form-encoded: the route's own parser decides.
    }
  } else scan(req.body, 'body', '', out);
  return out.found;
}

export function registerInputCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const found = findControlCharacters(req);
    if (found) throw new AppError('identifier.control_characters', { params: { field: found.field }, details: [{ path: found.path, message: 'control characters are not accepted' }] });
  });
}
