/**
 * Search filters from templates. The only way a user-typed value reaches a filter is through
 * `escapeFilterValue`, so `*)(uid=*` is a literal string to match, never filter syntax.
 */
import { FilterParser } from 'ldapts';

/**
 * RFC 4515 §3: in an assertion value the characters `*` `(` `)` `\` and NUL must be written as
 * `\2a` `\28` `\29` `\5c` `\00`. Everything else (UTF-8 included) may stay literal, and must:
 * ldapts decodes each `\XX` as one Latin-1 character, so escaping non-ASCII bytes would corrupt it.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Replaces `{{name}}` placeholders with escaped values. Unknown placeholders stay (and fail validation). */
export function renderFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? escapeFilterValue(values[name] as string) : whole,
  );
}

/**
 * Checks a configured template: it must use `placeholder`, use no other placeholder, and parse as
 * a filter once filled. Returns a reason, or undefined when the template is fine.
 */
export function checkFilterTemplate(template: string, placeholder: string): string | undefined {
  const names = [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
  if (!names.includes(placeholder)) return `must contain {{${placeholder}}}`;
  const other = names.find((n) => n !== placeholder);
  if (other) return `unknown placeholder {{${other}}}`;
  try {
    FilterParser.parseString(renderFilter(template, { [placeholder]: 'probe' }));
  } catch {
    return 'is not a valid LDAP filter (RFC 4515)';
  }
  if (!template.trim().startsWith('(')) return 'must be enclosed in parentheses';
  return undefined;
}
