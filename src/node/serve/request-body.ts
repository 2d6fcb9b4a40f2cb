import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body of at most `limit` bytes and parses it as JSON (an empty body is
 * `undefined`); a larger body is a 413, one that is not JSON a 400. Past the limit nothing more
 * is kept: the rest is read and dropped, so the client still gets the answer instead of a reset.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<{ value: unknown } | { error: string; status: 400 | 413 }> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => resolve({ error: `Request body is larger than ${limit} bytes`, status: 413 });
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    if (declared > limit) {
      chunks = undefined;
      tooLarge();
    }
    req.on('data', (chunk: Buffer) => {
      if (!chunks) return;
      size += chunk.length;
      if (size > limit) {
        chunks = undefined;
        tooLarge();
      } else chunks.push(chunk);
    });
    req.on('error', () => resolve({ error: 'The request body was cut off', status: 400 }));
    req.on('end', () => {
      if (!chunks) return;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({ value: undefined });
      try {
        resolve({ value: JSON.parse(text) });
      } catch {
        resolve({ error: 'Request body is not valid JSON', status: 400 });
      }
    });
  });
}
