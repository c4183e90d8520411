import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startServer, type TestServer } from '../support/server.js';

/**
 * A body over the limit gets the envelope error, and the server reads the rest of the body
 * before answering instead of closing on a client that is still sending (which ends, often
 * enough, in a connection reset instead of an answer). Raw HTTP, 3 MiB, slow enough that the
 * server decides long before the body is through.
 */
const MIB = 1024 * 1024;

function readResponse(sock: Socket, state: { buf: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const tryParse = () => {
      const end = state.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(state.buf.slice(0, end))?.[1] ?? 0);
      if (state.buf.length >= end + 4 + len) {
        const whole = state.buf.slice(0, end + 4 + len);
        state.buf = state.buf.slice(end + 4 + len);
        sock.off('data', onData);
        resolve(whole);
      }
    };
    const onData = (d: Buffer) => {
      state.buf += d.toString('latin1');
      tryParse();
    };
    sock.on('data', onData);
    sock.once('error', reject);
    tryParse();
  });
}

describe('oversized bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());

  it('answers 3 MiB with the envelope (1000003) after the whole body, and keeps the connection usable', async () => {
    const sock = connect(Number(new URL(s.url).port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const state = { buf: '' };
    const errors: Error[] = [];
    sock.on('error', (e) => errors.push(e));
    let answeredBeforeBodyWasSent = false;
    const answered = readResponse(sock, state).then((r) => {
      if (!bodyDone) answeredBeforeBodyWasSent = true;
      return r;
    });
    let bodyDone = false;
    sock.write(`POST /api/v3/create-user HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${3 * MIB}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < 3 * MIB; sent += chunk.length) {
      await new Promise<void>((resolve, reject) => sock.write(chunk, (err) => (err ? reject(err) : resolve())));
      if (sent % (512 * 1024) === 0) await new Promise((r) => setTimeout(r, 5));
    }
    bodyDone = true;
    const response = await answered;
    expect(errors).toEqual([]);
    expect(answeredBeforeBodyWasSent).toBe(false);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).not.toMatch(/^connection: close/im);
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { statusCode: number; apiCode: number; data: unknown };
    expect(body).toMatchObject({ statusCode: 413, apiCode: 1000003, data: null });

    // The same connection serves the next request.
    sock.write('GET /health/live HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    expect(await readResponse(sock, state)).toMatch(/^HTTP\/1\.1 200 [\s\S]*"status":"ok"/);
    sock.destroy();
  });
});
