import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS headers so a page served from another origin (another port) can call the replay
 * server with `fetch`, custom headers included (the SDKs send several). Requested headers are
 * echoed; the recording name comes back readable in `x-chunkwise-recording`. Only for a
 * request whose `Origin` `checkLocalRequest` let through (`local-requests.ts`); a request
 * without one (an SDK, curl) needs none.
 */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('vary', 'origin');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  const requested = req.headers['access-control-request-headers'];
  res.setHeader('access-control-allow-headers', requested ?? 'content-type, authorization, x-chunkwise-recording');
  res.setHeader('access-control-expose-headers', 'x-chunkwise-recording');
  res.setHeader('access-control-max-age', '600');
}

/** Answers a CORS preflight (`OPTIONS`) with 204. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  setCorsHeaders(req, res);
  res.writeHead(204);
  res.end();
}
