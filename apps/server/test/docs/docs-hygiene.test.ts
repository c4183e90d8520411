import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The docs speak to users: no issue numbers, no names of the project's internal source
 * documents, no internal checklist numbers. Standards (RFC, ASVS, NIST) are fine.
 */
const DOCS = resolve(import.meta.dirname, '../../../../docs');
const FILES = [...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f)), resolve(DOCS, '../README.md')];
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bissues? #?\d+\b|\(#\d+\)/i, 'an issue number'],
  [/\bseeds?\b/i, 'the internal source documents ("seed")'],
  [/\b\d{3}_[0-9a-f]{16}\b/, 'a source-document file name'],
  [/security\.md|checklist item|§0 item/i, 'an internal checklist reference'],
];

describe('docs hygiene', () => {
  it.each(FILES.map((f) => [f.slice(DOCS.length - 4), f]))('%s has no issue numbers, seed names or checklist numbers', (_name, file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const hits = lines.flatMap((line, i) => FORBIDDEN.filter(([re]) => re.test(line)).map(([, what]) => `line ${i + 1}: ${what}: ${line.trim()}`));
    expect(hits).toEqual([]);
  });
});
