import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/**
 * A local webhook receiver: records every request (headers and the raw body, which is what a
 * signature covers) and answers from a per-path script of status codes (the last one repeats).
 */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  on(path: string, statuses: number[], headers?: Record<string, string>): void;
  at(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, { statuses: number[]; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const script = scripts.get(path);
      const status = script ? (script.statuses.length > 1 ? script.statuses.shift()! : script.statuses[0]!) : 200;
      res.writeHead(status, { 'content-type': 'application/json', ...(script?.headers ?? {}) }).end(JSON.stringify({ ok: status < 300, path }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    on: (path, statuses, headers = {}) => void scripts.set(path, { statuses: [...statuses], headers }),
    at: (path) => received.filter((r) => r.path === path),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
