/**
 * The `--upstream` proxy: forwards each request to the upstream API as it is (the client's own
 * key included: it goes where the client meant it to go, and is never stored), streams the
 * answer back, and captures streamed answers (SSE, NDJSON) piece by piece for the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UsageError } from '../../errors.js';
import { describeResponse } from '../../replay/response-meta.js';
import { readBodyWithin } from '../serve/request-body.js';
import type { LiveFeed } from './live-feed.js';

/** Largest request body the proxy forwards. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones fetch recomputes.
const DROP_REQUEST = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'accept-encoding', 'origin', 'referer']);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'trailer', 'content-length', 'content-encoding']);

/**
 * The upstream URL for a request path: the upstream's base joined with the path, unless the
 * path already starts with the base's path (`--upstream https://api.openai.com/v1` and an SDK
 * whose baseURL ends in `/v1` both work).
 */
export function upstreamUrl(upstream: URL, path: string): URL {
  const base = upstream.pathname.replace(/\/+$/, '');
  const joined = base && (path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}?`)) ? path : `${base}${path}`;
  // Appended to the origin, never resolved against it: `//other.host/x` resolved would leave the
  // upstream (with the client's key) for another host.
  const url = new URL(`${upstream.origin}${joined.startsWith('/') ? '' : '/'}${joined}`);
  if (url.origin !== upstream.origin) throw new UsageError(`the request path ${JSON.stringify(path)} does not stay on the upstream`);
  return url;
}

/** Whether a response is a stream the page can show. */
export function isStreamed(contentType: string | null): boolean {
  const type = (contentType ?? '').toLowerCase();
  return type.includes('text/event-stream') || type.includes('ndjson') || type.includes('jsonl');
}

export async function proxyRequest(req: IncomingMessage, res: ServerResponse, path: string, upstream: URL, feed: LiveFeed, provider: string | undefined): Promise<void> {
  const started = performance.now();
  const body = await readBodyWithin(req, MAX_REQUEST_BYTES);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `request body over ${MAX_REQUEST_BYTES} bytes` } }));
    return;
  }
  let target: URL;
  try {
    target = upstreamUrl(upstream, path);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `chunkwise inspect: ${(error as Error).message}` } }));
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROP_REQUEST.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // The page shows the bytes as they came: no compression in between.
  headers.set('accept-encoding', 'identity');
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let response: Response;
  try {
    response = await fetch(target, { method: req.method ?? 'GET', headers, ...(body.length && req.method !== 'GET' && req.method !== 'HEAD' ? { body: new Uint8Array(body) } : {}), signal: abort.signal, redirect: 'manual' });
  } catch (error) {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `chunkwise inspect: the upstream ${target.origin} did not answer: ${(error as Error).message}` } }));
    }
    return;
  }
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!DROP_RESPONSE.has(name)) outHeaders[name] = value;
  });
  res.writeHead(response.status, response.statusText, outHeaders);
  const streamed = isStreamed(response.headers.get('content-type')) && response.body !== null;
  const stream = streamed
    ? feed.add(`${req.method} ${target.pathname}`, describeResponse(response, { url: target.href, method: req.method ?? 'POST', body: body.toString('utf8'), ...(provider ? { provider } : {}) }), { timed: true, savable: true })
    : undefined;
  const at = () => Math.round((performance.now() - started) * 10) / 10;
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (stream) feed.piece(stream, value, at());
      if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
    if (stream) feed.finish(stream, { at: at(), outcome: 'complete' });
  } catch (error) {
    const cancelled = abort.signal.aborted;
    if (stream) feed.finish(stream, { at: at(), outcome: cancelled ? 'cancelled' : 'error', ...(cancelled ? {} : { error: (error as Error).message }) });
    res.destroy();
  }
}
