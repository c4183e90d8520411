import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { HttpClient } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../utils/logger.js';
import { blockedReason } from '../../utils/net/addresses.js';
import { allowed, parseAllowList } from '../../utils/net/allow-list.js';
import { parseOverrides, rewriteUrl } from '../../utils/net/overrides.js';

/**
 * The outbound guard (security.md §0 item 31): every connection whose destination a user pool's
 * configuration can steer — SMS/email vendor APIs, SMTP servers, back-channel logout URIs, and
 * later identity-provider discovery and webhooks — goes through one of these. For each request:
 *
 * 1. The operator's GATEHOUSE_UPSTREAM_OVERRIDES map is applied (`rewrite`); a mapped target is
 *    the operator's choice and is allowed as it is.
 * 2. The host is resolved once, and every address it resolves to is checked (addresses.ts): an
 *    internal address refuses the request unless GATEHOUSE_OUTBOUND_ALLOW covers the host name or
 *    the address. Any one bad address refuses the whole name, so adding a second record does not
 *    help an attacker.
 * 3. The connection goes to exactly the address that was checked (a `lookup` function that
 *    returns it), so DNS cannot answer differently between the check and the connect
 *    (DNS rebinding). TLS still verifies the certificate against the host name.
 * 4. `https://` is required unless the operator's allow-list or overrides cover the target.
 * 5. Redirects are never followed: a 3xx is handed back as it is (a vendor API does not
 *    redirect; following one could lead into the internal network).
 * 6. Responses are capped (1 MiB by default) and time-bounded.
 *
 * What it does not protect against: an allowed target that itself forwards requests inward;
 * data a pool sends to a public address of its choosing (that is what the feature is for).
 */
export interface OutboundGuardOptions {
  /** GATEHOUSE_OUTBOUND_ALLOW: host names, addresses and CIDRs (comma-separated or a list). */
  allow?: string | readonly string[];
  /** GATEHOUSE_UPSTREAM_OVERRIDES: JSON text or an object mapping provider origins to local origins. */
  upstreamOverrides?: string | Record<string, string>;
  log?: Pick<Logger, 'warn'>;
  /** Name resolution (default: the system resolver, as every other connection of the process). */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
  /** Largest response body read, in bytes (default 1 MiB). */
  maxResponseBytes?: number;
  /** Timeout of a request that does not set one (default 10 s). */
  defaultTimeoutMs?: number;
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** Connections the server operator configured themselves: overrides apply, the address policy does not. */
export interface OperatorOutbound {
  http: HttpClient;
  connect(host: string, port: number, opts?: { timeoutMs?: number }): Promise<Socket>;
}

export interface OutboundGuard {
  /** The connector-kit HttpClient, guarded. */
  http: HttpClient;
  /** A `fetch` for libraries that take one (oidc-provider's back-channel logout), guarded the same way. */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /** For protocols other than HTTP (SMTP): resolves and checks; throws `outbound.address_not_allowed`. */
  assertHostAllowed(host: string, port: number): Promise<CheckedAddress>;
  /** A TCP connection to host:port, made to the address that was checked (SMTP, LDAP). */
  connect(host: string, port: number, opts?: { timeoutMs?: number }): Promise<Socket>;
  /** GATEHOUSE_UPSTREAM_OVERRIDES applied to a URL (also for browser redirects to a provider). */
  rewrite(url: string): string;
  /**
   * Configuration-time check of a URL a pool wants to store: scheme, https, and the address when
   * the name resolves now (a name that does not resolve yet is accepted; it is checked again at
   * every connection).
   */
  checkUrl(url: string): Promise<void>;
  /** Configuration-time check of a host (SMTP): refuses internal addresses; unresolvable names pass. */
  checkHost(host: string, port: number): Promise<void>;
  /** For what the operator configured directly (server-wide providers): no address policy. */
  operator: OperatorOutbound;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

const systemResolve = async (host: string) => dnsLookup(host, { all: true, verbatim: true });

/** `[::1]` → `::1` (URL.hostname keeps the brackets of IPv6 literals). */
const bare = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/**
 * IP literals in every spelling the platform resolver accepts (`2130706433`, `0x7f.1`,
 * `127.1`, `[::1]`) become the address they denote, as the WHATWG URL parser reads them — so
 * the check does not depend on the resolver treating them as names.
 */
function canonicalHost(hostIn: string): string {
  const host = bare(hostIn.trim());
  if (isIP(host)) return host;
  try {
    const h = bare(new URL(`http://${host.includes(':') ? `[${host}]` : host}/`).hostname);
    return isIP(h) ? h : host;
  } catch {
    return host;
  }
}

export function createOutboundGuard(opts: OutboundGuardOptions = {}): OutboundGuard {
  const allow = parseAllowList(opts.allow);
  const overrides = parseOverrides(opts.upstreamOverrides);
  const overrideTargets = new Set(overrides.values());
  const resolve = opts.resolve ?? systemResolve;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = opts.log;

  const refuse = (host: string, reason: string): never => {
    log?.warn({ host, reason }, 'outbound connection refused');
    throw new AppError('outbound.address_not_allowed', { params: { host } });
  };

  /** Resolves `host` and checks every address; returns the one to connect to. */
  async function pick(hostIn: string, guarded: boolean): Promise<CheckedAddress> {
    const host = canonicalHost(hostIn);
    const fam = isIP(host);
    const addresses = fam ? [{ address: host, family: fam }] : await resolve(host);
    if (addresses.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
    if (guarded) {
      for (const a of addresses) {
        const reason = blockedReason(a.address);
        if (reason && !allowed(allow, host, a.address)) refuse(host, reason);
      }
    }
    const first = addresses[0]!;
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  function parse(url: string): URL {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new AppError('outbound.invalid_url', { params: { reason: 'not an absolute URL' } });
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AppError('outbound.invalid_url', { params: { reason: `scheme ${u.protocol} is not http(s)` } });
    if (u.username || u.password) throw new AppError('outbound.invalid_url', { params: { reason: 'credentials in the URL are not accepted' } });
    return u;
  }

  /** Where a request goes and whether the policy applies: overridden targets are the operator's. */
  async function route(url: string, guarded: boolean): Promise<{ u: URL; to: CheckedAddress }> {
    const target = rewriteUrl(overrides, url);
    const u = parse(target);
    const operatorTarget = overrideTargets.has(u.origin);
    const policy = guarded && !operatorTarget;
    const to = await pick(u.hostname, policy);
    if (policy && u.protocol === 'http:' && !allowed(allow, bare(u.hostname), to.address)) throw new AppError('outbound.https_required', { params: { host: bare(u.hostname) } });
    return { u, to };
  }

  function send(u: URL, to: CheckedAddress, init: Parameters<HttpClient>[1]): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const host = bare(u.hostname);
    const timeoutMs = init.timeoutMs ?? defaultTimeoutMs;
    return new Promise((resolvePromise, reject) => {
      const requestFn = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = requestFn({
        protocol: u.protocol,
        hostname: host,
        port: u.port || (u.protocol === 'https:' ? 443 : 80),
        path: `${u.pathname}${u.search}`,
        method: init.method,
        headers: { ...init.headers, ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) },
        // The checked address, whatever the resolver would say now (no DNS-rebinding window).
        lookup: ((_name: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
          if (options?.all) cb(null, [{ address: to.address, family: to.family }]);
          else cb(null, to.address, to.family);
        }) as never,
        ...(u.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
        agent: false,
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      timer.unref();
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(Object.assign(new Error(`response larger than ${maxBytes} bytes`), { code: 'ERESPONSETOOLARGE' }));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          // A binary body (a WeChat mini-program code) comes back base64-encoded when the caller asks
          // (connector-kit `HttpInitWithEncoding`), as the kit's fetch client does.
          const binary = (init as { responseEncoding?: string }).responseEncoding === 'base64';
          resolvePromise({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString(binary ? 'base64' : 'utf8') });
        });
      });
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  }

  const client =
    (guarded: boolean): HttpClient =>
    async (url, init) => {
      const { u, to } = await route(url, guarded);
      return send(u, to, init);
    };

  const connectVia =
    (guarded: boolean) =>
    async (host: string, port: number, o: { timeoutMs?: number } = {}): Promise<Socket> => {
      const to = await pick(host, guarded);
      const timeoutMs = o.timeoutMs ?? defaultTimeoutMs;
      return new Promise((resolvePromise, reject) => {
        const sock = netConnect({ host: to.address, port, family: to.family });
        const timer = setTimeout(() => sock.destroy(Object.assign(new Error(`connect timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
        timer.unref();
        sock.once('connect', () => {
          clearTimeout(timer);
          sock.removeAllListeners('error');
          resolvePromise(sock);
        });
        sock.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    };

  const http = client(true);

  return {
    http,
    async fetch(input, init = {}) {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => {
        headers[k] = v;
      });
      const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : String(init.body);
      const res = await http(String(input), { method: init.method ?? 'GET', headers, timeoutMs: 5_000, ...(body !== undefined ? { body } : {}) });
      const nullBody = res.status === 204 || res.status === 205 || res.status === 304 || res.status < 200;
      return new Response(nullBody ? null : res.text, { status: res.status < 200 || res.status > 599 ? 502 : res.status, headers: res.headers });
    },
    assertHostAllowed: (host, _port) => pick(host, true),
    connect: connectVia(true),
    rewrite: (url) => rewriteUrl(overrides, url),
    async checkUrl(url) {
      try {
        await route(url, true);
      } catch (err) {
        if (err instanceof AppError) throw err;
        // Does not resolve now: accepted, and checked again at every connection.
      }
    },
    async checkHost(host, _port) {
      try {
        await pick(host, true);
      } catch (err) {
        if (err instanceof AppError) throw err;
      }
    },
    operator: { http: client(false), connect: connectVia(false) },
  };
}
