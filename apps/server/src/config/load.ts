import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { FormatRegistry } from '@sinclair/typebox';
import { configSchema, type Config } from './schema.js';
import { allowListProblems } from '../utils/net/allow-list.js';
import { overridesProblems } from '../utils/net/overrides.js';

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

if (!FormatRegistry.Has('uri')) {
  FormatRegistry.Set('uri', (v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  });
}

const checker = TypeCompiler.Compile(configSchema);
const keys = Object.keys(configSchema.properties) as (keyof Config)[];

export const envNameOf = (key: string): string => `GATEHOUSE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Environment strings become the type the schema wants; a wrong one is caught by the check below. */
function fromEnv(key: keyof Config, raw: string): unknown {
  const prop = configSchema.properties[key] as { type?: string };
  if (prop.type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (key === 'trustProxy') {
    if (raw === 'true') return true;
    if (raw === 'false' || raw === '') return false;
    return raw;
  }
  return raw;
}

/**
 * defaults ← config file ← environment, then one strict check. Every problem names the key
 * and the environment variable that sets it, so a bad value stops the start with a clear message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env.GATEHOUSE_CONFIG;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be a JSON object');
      fromFile = parsed as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError([`GATEHOUSE_CONFIG (${file}): ${(err as Error).message}`]);
    }
    for (const k of Object.keys(fromFile)) if (!keys.includes(k as keyof Config)) problems.push(`${k} (config file): unknown key`);
  }
  const merged: Record<string, unknown> = Value.Default(configSchema, {}) as Record<string, unknown>;
  for (const k of keys) if (fromFile[k] !== undefined) merged[k] = fromFile[k];
  for (const k of keys) {
    const raw = env[envNameOf(k)];
    if (raw !== undefined) merged[k] = fromEnv(k, raw);
  }
  Object.assign(merged, overrides);
  // The embedded database lives in the data directory unless a database URL was given.
  const dbExplicit = fromFile.databaseUrl !== undefined || env.GATEHOUSE_DATABASE_URL !== undefined || overrides.databaseUrl !== undefined;
  if (!dbExplicit && typeof merged.dataDir === 'string') merged.databaseUrl = `sqlite:${merged.dataDir.replace(/\/+$/, '')}/gatehouse.db`;
  // Without a public URL, the server's own address on this machine: the default names the port
  // it listens on, so a second instance on another port links to itself, not to :3000.
  const urlExplicit = fromFile.publicUrl !== undefined || env.GATEHOUSE_PUBLIC_URL !== undefined || overrides.publicUrl !== undefined;
  if (!urlExplicit && typeof merged.port === 'number' && merged.port > 0) merged.publicUrl = `http://localhost:${merged.port}`;
  for (const e of checker.Errors(merged)) {
    const key = e.path.replace(/^\//, '').split('/')[0] ?? e.path;
    problems.push(`${key} (${envNameOf(key)}): ${e.message}; got ${JSON.stringify(e.value)}`);
  }
  const cfg = merged as Config;
  if (cfg.secret && cfg.secret.length < 32) problems.push('secret (GATEHOUSE_SECRET): must be at least 32 characters');
  if (cfg.metricsToken && cfg.metricsToken.length < 16) problems.push('metricsToken (GATEHOUSE_METRICS_TOKEN): must be at least 16 characters');
  if (cfg.accessKeySecret && cfg.accessKeySecret.length < 24) problems.push('accessKeySecret (GATEHOUSE_ACCESS_KEY_SECRET): must be at least 24 characters');
  if (Boolean(cfg.accessKeyId) !== Boolean(cfg.accessKeySecret)) problems.push('accessKeyId/accessKeySecret: set both or neither');
  if (cfg.smsProviderConfig) {
    try {
      const v: unknown = JSON.parse(cfg.smsProviderConfig);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    } catch {
      problems.push('smsProviderConfig (GATEHOUSE_SMS_PROVIDER_CONFIG): must be a JSON object');
    }
  }
  if (cfg.emailProvider === 'smtp' && !cfg.smtpHost) problems.push('smtpHost (GATEHOUSE_SMTP_HOST): required when emailProvider is smtp');
  if (cfg.emailProvider === 'smtp' && !cfg.smtpFrom && !cfg.smtpUser) problems.push('smtpFrom (GATEHOUSE_SMTP_FROM): required when emailProvider is smtp and smtpUser is empty');
  for (const p of allowListProblems(cfg.outboundAllow ?? '')) problems.push(`outboundAllow (GATEHOUSE_OUTBOUND_ALLOW): ${p}`);
  for (const p of overridesProblems(cfg.upstreamOverrides ?? '')) problems.push(`upstreamOverrides (GATEHOUSE_UPSTREAM_OVERRIDES): ${p}`);
  if (cfg.sessionIdleTimeoutSeconds > cfg.sessionMaxAgeSeconds) problems.push('sessionIdleTimeoutSeconds (GATEHOUSE_SESSION_IDLE_TIMEOUT_SECONDS): must not exceed sessionMaxAgeSeconds');
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  cfg.publicUrl = cfg.publicUrl.replace(/\/+$/, '');
  return cfg;
}

/** Warnings for settings that are fine on a laptop and wrong in production. */
export function insecureDefaults(cfg: Config): string[] {
  const w: string[] = [];
  if (!cfg.secret) w.push('GATEHOUSE_SECRET is not set: using a generated master key from the data directory. Set it (and back it up) in production.');
  if (cfg.publicUrl.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(cfg.publicUrl)) {
    w.push(`GATEHOUSE_PUBLIC_URL (${cfg.publicUrl}) is plain http on a non-local host: tokens and cookies travel unencrypted.`);
  }
  if (cfg.smsProvider === 'console') w.push('GATEHOUSE_SMS_PROVIDER=console: SMS codes are written to the log instead of being sent. Development only.');
  if (cfg.emailProvider === 'console') w.push('GATEHOUSE_EMAIL_PROVIDER=console: emails (codes included) are written to the log instead of being sent. Development only.');
  if (cfg.outboundAllow) w.push(`GATEHOUSE_OUTBOUND_ALLOW (${cfg.outboundAllow}): every user pool's outbound connections may reach these internal targets.`);
  if (cfg.upstreamOverrides) w.push('GATEHOUSE_UPSTREAM_OVERRIDES is set: outbound calls to the mapped provider origins are redirected. Tests and special deployments only.');
  if (cfg.trustProxy === true) w.push('GATEHOUSE_TRUST_PROXY=true trusts X-Forwarded-For from anyone who can reach the port; prefer the proxy address or hop count.');
  return w;
}
