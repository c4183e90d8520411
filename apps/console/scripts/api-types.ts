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
const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase());
/** Embeds a multi-line type at `indent` (types are rendered at indent zero). */
const at = (text: string, indent: string) => text.replace(/\n/g, `\n${indent}`);

/**
 * Object types the document repeats (a user, an application, a page of them) are printed once,
 * as a named type, and referred to by name: the first operation that uses a shape names it.
 */
class Printer {
  private readonly counts = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly taken = new Set<string>();
  readonly declarations: string[] = [];
  private hoisting = false;

  /** First pass: how often each object shape occurs (shapes of at least four lines only). */
  count(s: Schema | undefined): void {
    this.render(s, 'Unused');
  }

  startHoisting(): void {
    this.hoisting = true;
  }

  render(s: Schema | undefined, hint: string): string {
    if (!s || typeof s !== 'object') return 'unknown';
    const nullable = s.nullable === true ? ' | null' : '';
    if (s.const !== undefined) return literal(s.const) + nullable;
    if (Array.isArray(s.enum)) return union(s.enum.map(literal)) + nullable;
    const alts = s.anyOf ?? s.oneOf;
    if (alts) return union(alts.map((a, i) => this.render(a, `${hint}${i}`))) + nullable;
    if (s.allOf) return s.allOf.map((a, i) => paren(this.render(a, `${hint}${i}`))).join(' & ') + nullable;
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
    if (types.length === 0) return 'unknown';
    return union(types.map((t) => this.renderType(t, s, hint))) + nullable;
  }

  private renderType(t: string, s: Schema, hint: string): string {
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
        return Array.isArray(s.items) ? `[${s.items.map((i, n) => this.render(i, `${hint}${n}`)).join(', ')}]` : `Array<${this.render(s.items, `${hint}Item`)}>`;
      case 'object':
        return this.object(s, hint);
      default:
        return 'unknown';
    }
  }

  private object(s: Schema, hint: string): string {
    const plain = new Printer().objectText(s, hint); // the shape's identity: its text without named types
    if (!this.hoisting) {
      if (plain.split('\n').length >= 4) this.counts.set(plain, (this.counts.get(plain) ?? 0) + 1);
      return this.objectText(s, hint);
    }
    if ((this.counts.get(plain) ?? 0) < 2) return this.objectText(s, hint);
    let name = this.names.get(plain);
    if (!name) {
      name = pascal(hint);
      for (let i = 2; this.taken.has(name); i++) name = `${pascal(hint)}${i}`;
      this.taken.add(name);
      this.names.set(plain, name);
      this.declarations.push(`export type ${name} = ${this.objectText(s, hint)};`);
    }
    return name;
  }

  private objectText(s: Schema, hint: string): string {
    const required = new Set(s.required ?? []);
    const lines = Object.entries(s.properties ?? {}).map(([k, v]) => `  ${key(k)}${required.has(k) ? '' : '?'}: ${at(this.render(v, `${hint} ${k}`), '  ')};`);
    const extra = s.additionalProperties;
    // An index signature must admit every named property's type too, so a typed one is kept only
    // for maps without named properties.
    if (extra === undefined || extra === true || (typeof extra === 'object' && lines.length > 0)) lines.push('  [key: string]: unknown;');
    else if (typeof extra === 'object') lines.push(`  [key: string]: ${at(this.render(extra, `${hint} Value`), '  ')};`);
    // additionalProperties: false adds nothing: only the named properties.
    return lines.length ? `{\n${lines.join('\n')}\n}` : 'Record<string, never>';
  }
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
  type Entry = { name: string; op: Operation; kind: 'get' | 'post' };
  const entries: Entry[] = [];
  for (const path of Object.keys(doc.paths).sort()) {
    const m = /^\/api\/v3\/([^{}]+)$/.exec(path);
    if (!m) continue;
    const ops = doc.paths[path]!;
    if (ops.get) entries.push({ name: m[1]!, op: ops.get, kind: 'get' });
    if (ops.post) entries.push({ name: m[1]!, op: ops.post, kind: 'post' });
  }
  const input = (e: Entry) => (e.kind === 'get' ? queryOf(e.op) : e.op.requestBody?.content?.['application/json']?.schema);
  const printer = new Printer();
  for (const e of entries) {
    printer.count(input(e));
    printer.count(dataOf(e.op));
  }
  printer.startHoisting();
  const lines = { get: [] as string[], post: [] as string[] };
  for (const e of entries) {
    const summary = e.op.summary ? `  /** ${e.op.summary.replace(/\*\//g, '* /')} */\n` : '';
    const inName = e.kind === 'get' ? 'query' : 'body';
    const inSchema = input(e);
    const inType = inSchema ? at(printer.render(inSchema, `${e.name} ${inName}`), '    ') : 'Record<string, never>';
    const data = at(printer.render(dataOf(e.op), `${e.name} data`), '    ');
    lines[e.kind].push(`${summary}  ${JSON.stringify(e.name)}: {\n    ${inName}: ${inType};\n    data: ${data};\n  };`);
  }
  return [
    '// Generated from the OpenAPI document (GET /openapi.json) by `npm run gen:console-api`: do not edit.',
    '// apps/server/test/console/api-types.test.ts fails when it no longer matches the server.',
    '/* eslint-disable */',
    '',
    ...printer.declarations.flatMap((d) => [d, '']),
    'export interface GetOperations {',
    lines.get.join('\n'),
    '}',
    '',
    'export interface PostOperations {',
    lines.post.join('\n'),
    '}',
    '',
  ].join('\n');
}
