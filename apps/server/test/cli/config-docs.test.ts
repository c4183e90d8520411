import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from '../../src/cli/config-docs.js';
import { configSchema } from '../../src/config/schema.js';
import { envNameOf } from '../../src/config/load.js';

const DOC = resolve(import.meta.dirname, '../../../../docs/configuration.md');

describe('docs/configuration.md', () => {
  it('is up to date with the config schema', () => {
    const committed = readFileSync(DOC, 'utf8');
    // On failure: node apps/server/bin/gatehouse.js config docs --out docs/configuration.md
    expect(committed, 'docs/configuration.md is stale: regenerate it with `node apps/server/bin/gatehouse.js config docs --out docs/configuration.md`').toBe(
      renderConfigDocs(),
    );
  });

  it('documents every key with its environment variable and description', () => {
    const text = renderConfigDocs();
    for (const [key, prop] of Object.entries(configSchema.properties)) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      expect(row).toContain(`\`${envNameOf(key)}\``);
      expect((prop as { description?: string }).description, `${key} needs a description`).toBeTruthy();
    }
  });
});
