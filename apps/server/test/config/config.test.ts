import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, insecureDefaults, loadConfig } from '../../src/config/load.js';

describe('configuration', () => {
  it('has working defaults: port 3000, SQLite in ./data', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: 'sqlite:./data/gatehouse.db', redisUrl: '', publicUrl: 'http://localhost:3000', trustProxy: false });
  });

  it('puts the embedded database in the data directory unless a URL is given', () => {
    expect(loadConfig({ GATEHOUSE_DATA_DIR: '/var/lib/gh/' }).databaseUrl).toBe('sqlite:/var/lib/gh/gatehouse.db');
    expect(loadConfig({ GATEHOUSE_DATA_DIR: '/var/lib/gh', GATEHOUSE_DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
  });

  it('layers defaults ← file ← environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-cfg-'));
    const file = join(dir, 'gatehouse.json');
    writeFileSync(file, JSON.stringify({ port: 4000, host: '127.0.0.1', logLevel: 'debug' }));
    const c = loadConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_PORT: '5000' });
    expect(c).toMatchObject({ port: 5000, host: '127.0.0.1', logLevel: 'debug' });
  });

  it('parses typed environment values', () => {
    expect(loadConfig({ GATEHOUSE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ GATEHOUSE_TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
    expect(loadConfig({ GATEHOUSE_PUBLIC_URL: 'https://id.example.com/' }).publicUrl).toBe('https://id.example.com');
  });

  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('stops on a bad value with a message naming the key and its variable', () => {
    expect(problemsOf({ GATEHOUSE_PORT: 'abc' })).toMatch(/port \(GATEHOUSE_PORT\)/);
    expect(problemsOf({ GATEHOUSE_PORT: '70000' })).toMatch(/GATEHOUSE_PORT/);
    expect(problemsOf({ GATEHOUSE_DATABASE_URL: 'mysql://x' })).toMatch(/GATEHOUSE_DATABASE_URL/);
    expect(problemsOf({ GATEHOUSE_PUBLIC_URL: 'not a url' })).toMatch(/GATEHOUSE_PUBLIC_URL/);
    expect(problemsOf({ GATEHOUSE_LOG_LEVEL: 'loud' })).toMatch(/GATEHOUSE_LOG_LEVEL/);
    expect(problemsOf({ GATEHOUSE_SECRET: 'short' })).toMatch(/GATEHOUSE_SECRET/);
    expect(problemsOf({ GATEHOUSE_ACCESS_KEY_ID: 'ak_only' })).toMatch(/set both or neither/);
  });

  it('refuses unknown keys and broken JSON in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-cfg-'));
    const unknown = join(dir, 'a.json');
    writeFileSync(unknown, JSON.stringify({ prot: 1 }));
    expect(problemsOf({ GATEHOUSE_CONFIG: unknown })).toMatch(/prot \(config file\): unknown key/);
    const broken = join(dir, 'b.json');
    writeFileSync(broken, '{ port: ');
    expect(problemsOf({ GATEHOUSE_CONFIG: broken })).toMatch(/GATEHOUSE_CONFIG/);
  });

  it('warns about insecure settings', () => {
    expect(insecureDefaults(loadConfig({})).join('\n')).toMatch(/GATEHOUSE_SECRET is not set/);
    expect(insecureDefaults(loadConfig({ GATEHOUSE_PUBLIC_URL: 'http://id.example.com' })).join('\n')).toMatch(/plain http/);
    expect(insecureDefaults(loadConfig({ GATEHOUSE_SECRET: 'x'.repeat(40), GATEHOUSE_PUBLIC_URL: 'https://id.example.com' }))).toEqual([]);
  });
});
