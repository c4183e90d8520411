/**
 * The HTTP server under every vendor fake: 127.0.0.1 on a random port, one handler for all the
 * vendor origins the fake stands for (their paths do not collide). Reusable outside Vitest (the
 * server's end-to-end tests map the vendor origins here with GATEHOUSE_UPSTREAM_OVERRIDES).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Query parameter names in the order they appear (WeChat checks the order of its authorise links). */
  queryOrder: string[];
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as a form (application/x-www-form-urlencoded). */
  form(): Record<string, string>;
  /** The body as JSON (undefined when it is not JSON). */
  json(): unknown;
}

export type FakeResponse =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; text: string; contentType?: string; headers?: Record<string, string> }
  | { status?: number; bytes: Buffer; contentType: string }
  | { redirect: string };

export interface FakeServer {
  origin: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const body = Buffer.concat(chunks).toString('utf8');
      const r: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        queryOrder: [...url.searchParams.keys()],
        headers: req.headers,
        body,
        form: () => Object.fromEntries(new URLSearchParams(body)),
        json: () => {
          try {
            return JSON.parse(body) as unknown;
          } catch {
            return undefined;
          }
        },
      };
      requests.push(r);
      Promise.resolve()
        .then(() => handler(r))
        .then(
          (out) => {
            if ('redirect' in out) {
              res.writeHead(302, { location: out.redirect });
              res.end();
            } else if ('json' in out) {
              res.writeHead(out.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
              res.end(JSON.stringify(out.json));
            } else if ('bytes' in out) {
              res.writeHead(out.status ?? 200, { 'content-type': out.contentType });
              res.end(out.bytes);
            } else {
              res.writeHead(out.status ?? 200, { 'content-type': out.contentType ?? 'text/plain; charset=utf-8', ...out.headers });
              res.end(out.text);
            }
          },
          (err: unknown) => {
            res.writeHead(599, { 'content-type': 'text/plain' });
            res.end(`fake crashed: ${String(err)}`);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fake's clock: real time plus an offset tests can advance (to expire codes and tokens). */
export function fakeClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
}

/** Queue of injected vendor errors, keyed by path: the next call to the path answers the error instead. */
export function errorInjector<E>() {
  const queue = new Map<string, E[]>();
  return {
    failNext(path: string, error: E) {
      const q = queue.get(path) ?? [];
      q.push(error);
      queue.set(path, q);
    },
    take(path: string): E | undefined {
      const q = queue.get(path);
      return q?.shift();
    },
  };
}

/** Random url-safe token. */
export function randomId(prefix = '', bytes = 18): string {
  return `${prefix}${Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')}`;
}

/** A valid 1×1 PNG (what the image endpoints of the fakes serve). */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
