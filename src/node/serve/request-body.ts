import type { IncomingMessage } from 'node:http';

/** Reads a request body of at most `limit` bytes and parses it as JSON (an empty body is `undefined`). */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ value: unknown } | { error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return { error: `Request body is larger than ${limit} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'Request body is not valid JSON' };
  }
}
