/**
 * "Test connection": connect → TLS → bind as the service account → read the base DN, on every
 * configured URL, and say exactly which step failed where. The message never contains the bind
 * password (it is not in any text we build, and is masked should a server ever echo it).
 */
import type { DirectoryStep, DirectoryTestResult } from '@gatehouse/connector-kit';
import { DirectoryConnection, type ConnectionOptions } from './connection.js';
import type { Endpoint } from './endpoints.js';
import { toDirectoryError, type DirectoryError } from './errors.js';
import type { DirectoryConfig } from './schema.js';

function explain(err: DirectoryError): string {
  switch (err.step) {
    case 'connect':
      return 'could not connect';
    case 'tls':
      return err.code === 'connector.unavailable' ? 'TLS handshake did not complete' : 'TLS failed (certificate not trusted, host name mismatch, or the port does not speak TLS)';
    case 'bind':
      return err.code === 'connector.unavailable' ? 'the directory did not answer the bind' : 'the directory refused the service account (bindDn / bindPassword)';
    case 'search':
      return err.code === 'connector.unavailable' ? 'the directory did not answer the search' : 'the base DN does not exist or the service account cannot read it';
  }
}

export async function runTest(config: DirectoryConfig, endpoints: Endpoint[], opts: ConnectionOptions): Promise<DirectoryTestResult> {
  const mask = (text: string) => (config.bindPassword ? text.split(config.bindPassword).join('***') : text);
  const fail = (err: unknown, step: DirectoryStep, ep: Endpoint): DirectoryTestResult => {
    const mapped = toDirectoryError(err, step === 'bind' ? 'service-bind' : step === 'search' ? 'search' : step, ep.label);
    return { success: false, step: mapped.step, message: mask(`${ep.label}: ${explain(mapped)} [${mapped.code}] ${mapped.vendorDetail ?? ''}`.trim()) };
  };

  for (const ep of endpoints) {
    let conn: DirectoryConnection;
    try {
      conn = await DirectoryConnection.open(ep, opts);
    } catch (err) {
      return fail(err, 'connect', ep);
    }
    try {
      if (config.bindDn && config.bindPassword) {
        try {
          await conn.bind(config.bindDn, config.bindPassword, 'service-bind');
        } catch (err) {
          return fail(err, 'bind', ep);
        }
      }
      try {
        for (const base of new Set([config.baseDn, config.groupBaseDn ?? config.baseDn])) {
          await conn.search(base, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }, 'search');
        }
      } catch (err) {
        return fail(err, 'search', ep);
      }
    } finally {
      await conn.close();
    }
  }
  const encrypted = endpoints.every((e) => e.secure) || opts.startTls;
  const who = config.bindDn ? `bound as ${config.bindDn}` : 'searched anonymously';
  return {
    success: true,
    step: 'search',
    message: mask(
      `${endpoints.map((e) => e.label).join(', ')}: connected${encrypted ? ' over TLS' : ''}, ${who}, read ${config.baseDn}.` +
        (encrypted ? '' : ' Warning: the connection is not encrypted; passwords cross the network in clear text (use ldaps:// or startTls).'),
    ),
  };
}
