import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards the rest of a request body the server has decided to refuse (too large,
 * wrong content type) before the answer is sent. Answering first and closing makes the kernel
 * reset the connection while the client is still sending, and the client then often sees
 * "connection reset" instead of the answer (RFC 9112 §9.6 describes this hazard of closing
 * with unread input). Draining costs bandwidth, never memory: nothing is buffered. It is
 * bounded by bytes and time, so a client that keeps sending cannot hold the connection: past
 * either bound the answer goes out anyway and Node closes the connection.
 */
export async function drainRequest(raw: IncomingMessage, maxBytes: number, maxMs: number): Promise<void> {
  if (raw.complete || raw.destroyed || raw.readableEnded) return;
  await new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('error', done);
      raw.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    timer.unref();
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}
