import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApiTypes, type OpenApiDocument } from '../../../console/scripts/api-types.js';
import { startServer, type TestServer } from '../support/server.js';

// The console's typed management client (apps/console/src/api.ts) is typed by a file generated from
// the server's OpenAPI document: this test fails while that file no longer matches the routes, and
// `npm run gen:console-api` (this test with GATEHOUSE_WRITE_API_TYPES=1) rewrites it.
const FILE = new URL('../../../console/src/generated/management-api.ts', import.meta.url);

describe('the console API types', () => {
  let s: TestServer;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    s = await startServer();
    doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as OpenApiDocument;
  });
  afterAll(() => s?.close());

  it('are generated from the OpenAPI document the server serves now', () => {
    const rendered = renderApiTypes(doc);
    if (process.env.GATEHOUSE_WRITE_API_TYPES === '1') writeFileSync(FILE, rendered);
    expect(readFileSync(FILE, 'utf8'), 'out of date: run `npm run gen:console-api`').toBe(rendered);
  });

  it('type each operation from its schema: query, body and data', () => {
    const rendered = renderApiTypes(doc);
    // A GET operation carries its query parameters (all optional for the caller) and the envelope's data.
    expect(rendered).toMatch(/"list-applications": \{\n {4}query: \{\n(.*\n)*? {6}keywords\?: string;/);
    // A POST operation carries its body with the schema's required properties.
    expect(rendered).toMatch(/"create-user": \{\n {4}body: \{\n/);
    // Non-identifier property names are quoted, enums become literal unions.
    expect(rendered).toContain('"zh-CN"');
    expect(rendered).toMatch(/"zh-CN" \| "zh-TW"|"zh-TW" \| "zh-CN"|"en-US" \| "zh-CN"|"zh-CN" \| "en-US"/);
  });
});
