/**
 * Renders the console's typed view of the management API (apps/console/src/generated/management-api.ts)
 * from Gatehouse's OpenAPI document (GET /openapi.json, built from the route schemas the server
 * validates with). One entry per `/api/v3/<name>` operation: GET operations with their `query`,
 * POST operations with their `body`, each with the `data` of a successful envelope.
 *
 * A small JSON Schema → TypeScript printer rather than openapi-typescript: that one builds its
 * output with the TypeScript compiler API, which the project's TypeScript 7 does not ship. It
 * covers what fastify's schemas use (object, array, enum, anyOf/oneOf/allOf, nullable, type
 * lists, additionalProperties); anything else becomes `unknown`, never a wrong type.
 *
 * Run `npm run gen:console-api` after changing a route schema; apps/server/test/console/api-types.test.ts
 * fails while the file is out of date.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema | Schema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  description?: string;
};

type Operation = {
  summary?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema; description?: string }>;
  requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
  responses?: Record<string, { content?: { 'application/json'?: { schema?: Schema } } }>;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
const literal = (v: unknown) => (v === null || ['string', 'number', 'boolean'].includes(typeof v) ? JSON.stringify(v) : 'unknown');
const union = (parts: string[]) => {
  const unique = [...new Set(parts)];
  return unique.includes('unknown') ? 'unknown' : unique.length === 0 ? 'never' : unique.join(' | ');
};
const paren = (t: string) => (/[|&]/.test(t) ? `(${t})` : t);

function render(s: Schema | undefined, indent: string): string {
  if (!s || typeof s !== 'object') return 'unknown';
  const nullable = s.nullable === true ? ' | null' : '';
  if (s.const !== undefined) return literal(s.const) + nullable;
  if (Array.isArray(s.enum)) return union(s.enum.map(literal)) + nullable;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return union(alts.map((a) => render(a, indent))) + nullable;
  if (s.allOf) return s.allOf.map((a) => paren(render(a, indent))).join(' & ') + nullable;
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (types.length === 0) return 'unknown';
  return union(types.map((t) => renderType(t, s, indent))) + nullable;
}

function renderType(t: string, s: Schema, indent: string): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return Array.isArray(s.items) ? `[${s.items.map((i) => render(i, indent)).join(', ')}]` : `Array<${render(s.items, indent)}>`;
    case 'object':
      return renderObject(s, indent);
    default:
      return 'unknown';
  }
}

function renderObject(s: Schema, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set(s.required ?? []);
  const lines = Object.entries(s.properties ?? {}).map(([k, v]) => `${inner}${key(k)}${required.has(k) ? '' : '?'}: ${render(v, inner)};`);
  const extra = s.additionalProperties;
  // An index signature must admit every named property's type too, so a typed one is kept only
  // for maps without named properties.
  if (extra === undefined || extra === true || (typeof extra === 'object' && lines.length > 0)) lines.push(`${inner}[key: string]: unknown;`);
  else if (typeof extra === 'object') lines.push(`${inner}[key: string]: ${render(extra, inner)};`);
  // additionalProperties: false adds nothing: only the named properties.
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
}

function queryOf(op: Operation): Schema {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  return {
    type: 'object',
    additionalProperties: false,
    // Every query parameter may be left out by the caller: the server applies its defaults.
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
    required: [],
  };
}

const dataOf = (op: Operation): Schema | undefined => op.responses?.['200']?.content?.['application/json']?.schema?.properties?.data;

export function renderApiTypes(doc: OpenApiDocument): string {
  const get: string[] = [];
  const post: string[] = [];
  for (const path of Object.keys(doc.paths).sort()) {
    const m = /^\/api\/v3\/([^{}]+)$/.exec(path);
    if (!m) continue;
    const name = m[1]!;
    const ops = doc.paths[path]!;
    const doc1 = (op: Operation) => (op.summary ? `  /** ${op.summary.replace(/\*\//g, '* /')} */\n` : '');
    if (ops.get) get.push(`${doc1(ops.get)}  ${JSON.stringify(name)}: {\n    query: ${render(queryOf(ops.get), '    ')};\n    data: ${render(dataOf(ops.get), '    ')};\n  };`);
    if (ops.post) {
      const body = ops.post.requestBody?.content?.['application/json']?.schema;
      post.push(`${doc1(ops.post)}  ${JSON.stringify(name)}: {\n    body: ${body ? render(body, '    ') : 'Record<string, never>'};\n    data: ${render(dataOf(ops.post), '    ')};\n  };`);
    }
  }
  return [
    '// Generated from the OpenAPI document (GET /openapi.json) by `npm run gen:console-api`: do not edit.',
    '// apps/server/test/console/api-types.test.ts fails when it no longer matches the server.',
    '/* eslint-disable */',
    '',
    'export interface GetOperations {',
    get.join('\n'),
    '}',
    '',
    'export interface PostOperations {',
    post.join('\n'),
    '}',
    '',
  ].join('\n');
}
