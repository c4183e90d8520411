/**
 * The HTTP server under every identity-provider fake: 127.0.0.1, port 0, one handler, a log of
 * requests, and two failure switches the tests use (`failNext` answers 5xx, `hangNext` never
 * answers so the caller's timeout fires). `close()` drops open connections, hung ones included.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The form body (application/x-www-form-urlencoded), else empty. */
  form: URLSearchParams;
  /** Query and form parameters together (form wins), as most OAuth servers accept both for the token endpoint. */
  param(name: string): string | null;
}

export interface FakeResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface HttpFake {
  origin: string;
  requests: FakeRequest[];
  /** The next request whose path starts with `pathPrefix` (any when omitted) gets this response instead. */
  failNext(status?: number, pathPrefix?: string, body?: string): void;
  /** The next matching request is never answered. */
  hangNext(pathPrefix?: string): void;
  close(): Promise<void>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
});

export const redirect = (location: string): FakeResponse => ({ status: 302, headers: { location }, body: '' });

export const html = (status: number, body: string): FakeResponse => ({ status, body, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** An auto-submitting form, what providers answer for response_mode=form_post and the SAML POST binding. */
export function autoPostForm(action: string, fields: Record<string, string>): FakeResponse {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return html(200, `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(action)}">${inputs}<noscript><button>Continue</button></noscript></form></body></html>`);
}

export async function startHttpFake(handler: FakeHandler): Promise<HttpFake> {
  const requests: FakeRequest[] = [];
  const overrides: Array<{ prefix: string; kind: 'fail' | 'hang'; status: number; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
      const form = new URLSearchParams(isForm ? body : '');
      const r: FakeRequest = { method: req.method ?? 'GET', url, headers: req.headers, body, form, param: (n) => form.get(n) ?? url.searchParams.get(n) };
      requests.push(r);
      const i = overrides.findIndex((o) => url.pathname.startsWith(o.prefix));
      if (i >= 0) {
        const [o] = overrides.splice(i, 1);
        if (o!.kind === 'hang') return; // never answered; close() destroys the socket
        res.writeHead(o!.status, { 'content-type': 'text/html' });
        res.end(o!.body);
        return;
      }
      Promise.resolve()
        .then(() => handler(r))
        .catch((err: unknown) => ({ status: 599, body: `fake crashed: ${String(err)}` }) as FakeResponse)
        .then((out) => {
          res.writeHead(out.status, out.headers ?? { 'content-type': 'application/json; charset=utf-8' });
          res.end(out.body ?? '');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failNext(status = 500, prefix = '/', body = '<html><body>Internal Server Error</body></html>') {
      overrides.push({ prefix, kind: 'fail', status, body });
    },
    hangNext(prefix = '/') {
      overrides.push({ prefix, kind: 'hang', status: 0, body: '' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
