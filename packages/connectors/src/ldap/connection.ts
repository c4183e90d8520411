/**
 * One connection to one directory URL. We open the TCP connection and run the TLS handshake
 * ourselves, each under a deadline, and hand the finished socket to ldapts. That gives:
 *  - a distinct `connect` and `tls` step (test connection says which one failed);
 *  - a bound on every phase: ldapts has no timeout on the StartTLS handshake, and a server that
 *    accepts TCP and never answers must fail within `timeoutMs`;
 *  - no silent reconnects: ldapts transparently reconnects a dropped client on the next call,
 *    unauthenticated and, after StartTLS, in clear text. Our socket factory hands out its socket
 *    once and refuses afterwards, so a dropped connection fails and is replaced by the pool.
 *
 * TLS: certificates and host names are always verified (`rejectUnauthorized` is never false);
 * `tlsCaCert` replaces the system trust store when set. For an IP-address URL the certificate
 * must carry that IP in subjectAltName (RFC 6125; Node's checkServerIdentity).
 */
import { isIP, Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions as TlsOptions, type SecureContext, type TLSSocket } from 'node:tls';
import { Client, type Control, type Entry, type SearchOptions } from 'ldapts';
import type { Endpoint } from './endpoints.js';
import { DeadlineError, toDirectoryError, type Phase } from './errors.js';

export interface ConnectionOptions {
  startTls: boolean;
  /**
   * The TLS context (tlsContext below: the trust anchors, the TLS floor), made once per
   * connector: building it parses every PEM certificate again, which was a tenth of a directory
   * sign-in's CPU when it was done per connection. Called in the TLS step, so a certificate it
   * cannot parse fails that step.
   */
  secureContext: () => SecureContext;
  timeoutMs: number;
  /**
   * Opens the TCP connection (the server passes its outbound guard's, which checks the address
   * against the operator's policy and connects to exactly the address it checked); resolves once
   * connected. Default: a direct connection.
   */
  connect?: (host: string, port: number, opts?: { timeoutMs?: number }) => Promise<Socket>;
}

/** Resolves or rejects with `p`, or rejects with DeadlineError after `ms` (and runs `onTimeout`). */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new DeadlineError(what, ms));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * The trust anchors and protocol floor of every directory connection (`ca` replaces the system
 * store when set), built on first use and then kept. A build that throws is not kept.
 */
export function tlsContext(ca: string[] | undefined): () => SecureContext {
  let ctx: SecureContext | undefined;
  return () => (ctx ??= createSecureContext({ ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' }));
}

function tlsOptions(ep: Endpoint, opts: Pick<ConnectionOptions, 'secureContext'>): TlsOptions {
  return {
    host: ep.host,
    // SNI takes host names only (RFC 6066 §3); an IP is still checked against the certificate's IP SANs.
    ...(isIP(ep.host) ? {} : { servername: ep.host }),
    // Trust anchors and TLS ≥ 1.2 come with the context (tlsContext above).
    secureContext: opts.secureContext(),
    rejectUnauthorized: true,
  };
}

function waitFor(socket: Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.off(event, onOk);
      reject(err);
    };
    const onOk = () => {
      socket.off('error', onError);
      resolve();
    };
    socket.once(event, onOk);
    socket.once('error', onError);
  });
}

export class DirectoryConnection {
  private broken = false;
  private closed = false;

  private constructor(
    readonly endpoint: Endpoint,
    private readonly client: Client,
    private readonly sockets: Socket[],
    private readonly timeoutMs: number,
  ) {}

  /** Opens TCP (+ TLS for ldaps://, + StartTLS when configured); throws DirectoryError. */
  static async open(ep: Endpoint, opts: ConnectionOptions): Promise<DirectoryConnection> {
    const sockets: Socket[] = [];
    const destroyAll = () => {
      for (const s of sockets) s.destroy();
    };
    let phase: Phase = 'connect';
    try {
      let raw: Socket;
      if (opts.connect) {
        const pending = opts.connect(ep.host, ep.port, { timeoutMs: opts.timeoutMs });
        // A socket that connects after our deadline fired is closed, never leaked.
        raw = await withDeadline(pending, opts.timeoutMs, `connect to ${ep.label}`, () => void pending.then((s) => s.destroy(), () => undefined));
        sockets.push(raw);
        raw.on('error', () => {});
      } else {
        raw = netConnect({ host: ep.host, port: ep.port });
        sockets.push(raw);
        raw.on('error', () => {}); // errors surface through the pending operation; never crash the process
        await withDeadline(waitFor(raw, 'connect'), opts.timeoutMs, `connect to ${ep.label}`, destroyAll);
      }
      raw.setNoDelay(true);
      raw.setKeepAlive(true, 30_000);

      let first: Socket = raw;
      if (ep.secure) {
        phase = 'tls';
        const secure = tlsConnect({ ...tlsOptions(ep, opts), socket: raw });
        sockets.push(secure);
        secure.on('error', () => {});
        await withDeadline(waitFor(secure, 'secureConnect'), opts.timeoutMs, `TLS handshake with ${ep.label}`, destroyAll);
        first = secure;
      }

      let handedOut = false;
      let upgraded = false;
      const once = (): Socket => {
        if (handedOut) throw new Error('reconnect refused: the connection to the directory was lost');
        handedOut = true;
        return first;
      };
      const client = new Client({
        url: `${ep.secure ? 'ldaps' : 'ldap'}://127.0.0.1:${ep.port}`, // the socket is ours; ldapts only needs the scheme
        // Our deadlines are the bound (withDeadline below); ldapts' own would race them with vaguer errors.
        timeout: 0,
        connectTimeout: opts.timeoutMs,
        createConnection: (() => once()) as unknown as typeof netConnect,
        createSecureConnection: ((options: unknown) => {
          // ldapts calls this for ldaps:// (port, host, options) and for StartTLS ({ socket }).
          const upgrade = typeof options === 'object' && options !== null && 'socket' in options;
          if (!upgrade) return once();
          if (upgraded) throw new Error('reconnect refused');
          upgraded = true;
          const secure: TLSSocket = tlsConnect({ ...tlsOptions(ep, opts), socket: raw });
          sockets.push(secure);
          return secure;
        }) as unknown as typeof tlsConnect,
      });
      const conn = new DirectoryConnection(ep, client, sockets, opts.timeoutMs);
      if (opts.startTls && !ep.secure) {
        phase = 'starttls';
        // RFC 4511 §4.14 / RFC 4513 §3: StartTLS, then verify the server's identity before any bind.
        await withDeadline(client.startTLS(tlsOptions(ep, opts)), opts.timeoutMs, `StartTLS with ${ep.label}`, destroyAll).catch((err: unknown) => {
          // The server accepted StartTLS and the handshake itself failed: a TLS problem, like ldaps://.
          if (upgraded) phase = 'tls';
          throw err;
        });
      }
      return conn;
    } catch (err) {
      destroyAll();
      throw toDirectoryError(err, phase, ep.label);
    }
  }

  /** Whether the connection can take another operation. */
  get usable(): boolean {
    return !this.broken && !this.closed && this.sockets.every((s) => !s.destroyed && s.readyState === 'open');
  }

  async bind(dn: string, password: string, phase: 'service-bind' | 'user-bind', controls?: Control[]): Promise<void> {
    await this.run(phase, `bind to ${this.endpoint.label}`, () => this.client.bind(dn, password, controls));
  }

  async search(base: string, options: SearchOptions, phase: 'search' | 'group-search'): Promise<Entry[]> {
    const result = await this.run(phase, `search on ${this.endpoint.label}`, () =>
      this.client.search(base, { derefAliases: 'never', timeLimit: Math.max(1, Math.ceil(this.timeoutMs / 1000)), ...options }),
    );
    return result.searchEntries;
  }

  /** Keeps (or stops keeping) the process alive for this connection's sockets: idle pooled connections must not. */
  setIdle(idle: boolean): void {
    for (const s of this.sockets) {
      if (idle) s.unref();
      else s.ref();
    }
  }

  /** Unbind (RFC 4511 §4.3) and close; never throws. Always called, after failed binds too, or the sockets keep the process alive. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const destroy = () => {
      for (const s of this.sockets) s.destroy();
    };
    try {
      if (!this.broken && this.client.isConnected) await withDeadline(this.client.unbind(), Math.min(this.timeoutMs, 2_000), 'unbind', destroy);
    } catch {
      // The connection is going away either way.
    } finally {
      destroy();
    }
  }

  private async run<T>(phase: Phase, what: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) throw toDirectoryError(new Error('Socket connection not established (closed)'), phase, this.endpoint.label);
    try {
      return await withDeadline(op(), this.timeoutMs, what, () => {
        this.broken = true;
        for (const s of this.sockets) s.destroy();
      });
    } catch (err) {
      const mapped = toDirectoryError(err, phase, this.endpoint.label);
      if (mapped.code === 'connector.unavailable' || mapped.code === 'connector.tls_failed') this.broken = true;
      throw mapped;
    }
  }
}
