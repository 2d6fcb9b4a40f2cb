import type { IncomingMessage } from 'node:http';

/**
 * The whole request body when it is at most `limit` bytes, else undefined (as soon as it is
 * known to be larger). Past the limit nothing more is kept: the rest is read and dropped, so the
 * client still gets the answer (a 413) instead of a reset connection.
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    const tooLarge = () => {
      chunks = undefined;
      resolve(undefined);
    };
    if (Number(req.headers['content-length']) > limit) tooLarge();
    req.on('data', (chunk: Buffer) => {
      if (!chunks) return;
      size += chunk.length;
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (chunks) resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Reads a request body of at most `limit` bytes ({@link readBodyWithin}) and parses it as JSON
 * (an empty body is `undefined`); a larger body is a 413, one that is not JSON a 400.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ value: unknown } | { error: string; status: 400 | 413 }> {
  let body: Buffer | undefined;
  try {
    body = await readBodyWithin(req, limit);
  } catch {
    return { error: 'The request body was cut off', status: 400 };
  }
  if (body === undefined) return { error: `Request body is larger than ${limit} bytes`, status: 413 };
  const text = body.toString('utf8').trim();
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'Request body is not valid JSON', status: 400 };
  }
}
