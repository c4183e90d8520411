import { createFetchHttpClient, ConnectorError, type ConnectorDeps, type ConnectorErrorCode } from '@gatehouse/connector-kit';
import { expect } from 'vitest';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export function testDeps(now?: Date): ConnectorDeps & { logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg?: string) => void logs.push({ level, obj, msg });
  return {
    http: createFetchHttpClient({ defaultTimeoutMs: 5_000 }),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...(now ? { now: () => now } : {}),
    logs,
  };
}

/** Asserts the promise rejects with a ConnectorError of `code`; returns it. */
export async function expectConnectorError(p: Promise<unknown>, code: ConnectorErrorCode): Promise<ConnectorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  const ce = err as ConnectorError;
  expect(ce.code, ce.message).toBe(code);
  return ce;
}

export const SAMPLE = {
  phone: '+8613800138000',
  channel: 'CHANNEL_LOGIN',
  variables: { code: '123456', ttlMinutes: '5' },
  text: 'Your code is 123456. It expires in 5 minutes.',
};
