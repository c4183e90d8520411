import { x, xmlSafe } from '../saml-idp/xml.js';
import type { ValidationResult } from './service.js';

/** CAS 1.0 `/validate` (CAS Protocol 3.0 §2.4.2): `yes\n<user>\n` or `no\n\n`. */
export const v1Body = (r: ValidationResult) => (r.ok && !/[\r\n]/.test(r.user) ? `yes\n${r.user}\n` : 'no\n\n');

const attrValues = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(attrValues) : v !== null && typeof v === 'object' ? [JSON.stringify(v)] : [String(v)]);

/** `/serviceValidate` and `/p3/serviceValidate` XML (CAS Protocol 3.0 §2.5.2, §2.6, Appendix A schema). */
export function xmlBody(r: ValidationResult): string {
  const head = `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">`;
  if (!r.ok) return `${head}<cas:authenticationFailure code="${r.code}">${x(r.description)}</cas:authenticationFailure></cas:serviceResponse>\n`;
  const attrs = Object.entries(r.attributes)
    .filter(([k]) => /^[A-Za-z_][\w.-]*$/.test(k))
    .flatMap(([k, v]) => attrValues(v).filter(xmlSafe).map((one) => `<cas:${k}>${x(one)}</cas:${k}>`))
    .join('');
  return `${head}<cas:authenticationSuccess><cas:user>${x(r.user)}</cas:user><cas:attributes>${attrs}</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>\n`;
}

/**
 * `format=JSON` (CAS Protocol 3.0 §2.5.3 with the JSON form of Apereo CAS):
 * `{serviceResponse:{authenticationSuccess:{user, attributes}}}`. A failure is
 * `{serviceResponse:{authenticationFailure:{code, description}}}` and, because the vendor's
 * client types it unwrapped (`Cas20ValidationFailureResult`), the same object also at the top
 * level, so both readings find it.
 */
export function jsonBody(r: ValidationResult): Record<string, unknown> {
  if (r.ok) return { serviceResponse: { authenticationSuccess: { user: r.user, attributes: r.attributes } } };
  const failure = { code: r.code, description: r.description };
  return { serviceResponse: { authenticationFailure: failure }, authenticationFailure: failure };
}
