/**
 * The `chunkwise inspect` server, on a loopback port: the page (one self-contained HTML file
 * from the build), its live feed and the save action under `/__chunkwise/`, and, with an
 * upstream, every other path proxied to it.
 *
 * It answers only requests addressed to it by a loopback name (`Host` check, against DNS
 * rebinding) and, for the page's own API, only the page itself (no CORS; the save action
 * checks `Origin`), so another site open in the browser can neither read the streams nor save.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { Recording } from '../../replay/recording.js';
import { writeRecording } from '../recording-files.js';
import { packageRoot } from '../cli/locate-recording.js';
import { isLoopbackHost } from '../serve/loopback.js';
import { checkLocalRequest } from '../serve/local-requests.js';
import { LiveFeed, toRecording, type CapturedStream } from './live-feed.js';
import { proxyRequest } from './proxy.js';

/** Where the page and its API live; every other path goes to the upstream. */
export const INSPECT_PREFIX = '/__chunkwise/';

export interface InspectServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The API to proxy to (`--upstream`). */
  upstream?: URL;
  /** The provider of the upstream, when known (helps the page pick a parser). */
  provider?: string;
  /** Where "Save" writes recordings. Default `recordings/inspect` under the working folder. */
  saveDir?: string;
  /** Mode of the files "Save" writes (default `0o600`, new folders `0o700`). */
  fileMode?: number;
  /** The built page; default `dist/inspect/index.html` of the package. */
  pagePath?: string;
}

export interface InspectServer {
  /** The page's URL. */
  readonly url: string;
  /** The URL to use as an SDK's baseURL (the server's origin). */
  readonly origin: string;
  readonly feed: LiveFeed;
  add(label: string, recording: Recording): CapturedStream;
  close(): Promise<void>;
}

// One piece: a closure over one server (its feed, port and page hash); the routes are one short table.
export async function createInspectServer(options: InspectServerOptions = {}): Promise<InspectServer> {
  const pagePath = options.pagePath ?? join(packageRoot() ?? '.', 'dist/inspect/index.html');
  let page: Buffer;
  try {
    page = await readFile(pagePath);
  } catch {
    throw new UsageError(`the inspect page is not built (${pagePath} is missing): run \`npm run build\``);
  }
  const feed = new LiveFeed();
  const saveDir = options.saveDir ?? join(process.cwd(), 'recordings', 'inspect');
  let origin = '';
  let port = 0;
  const isOwnOrigin = (value: string | undefined) => {
    if (!value) return false;
    try {
      const url = new URL(value);
      return url.protocol === 'http:' && isLoopbackHost(url.hostname) && Number(url.port) === port;
    } catch {
      return false;
    }
  };
  // The page's one inline script is allowed by its hash, nothing else.
  const script = /<script>([\s\S]*?)<\/script>/.exec(page.toString('utf8'))?.[1] ?? '';
  const scriptHash = createHash('sha256').update(script).digest('base64');

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`chunkwise inspect: ${(error as Error).message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The same rules as `serve`: a loopback Host, a path target, and pages of loopback origins only
    // (they get no CORS headers, so only the page itself reads the answers).
    const checked = checkLocalRequest(req);
    if ('status' in checked) {
      res.writeHead(checked.status, { 'content-type': 'text/plain' }).end(`chunkwise inspect: ${checked.message}\n`);
      return;
    }
    const path = checked.path;
    if (path === '/' && !options.upstream) {
      res.writeHead(302, { location: INSPECT_PREFIX }).end();
      return;
    }
    if (!path.startsWith(INSPECT_PREFIX)) {
      if (!options.upstream) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: the page is at ${INSPECT_PREFIX}\n`);
        return;
      }
      // SDKs send no Origin, local pages a loopback one; other sites were refused above.
      await proxyRequest(req, res, checked.pathAndQuery, options.upstream, feed, options.provider);
      return;
    }
    const route = path.slice(INSPECT_PREFIX.length);
    if (req.method === 'GET' && (route === '' || route === 'index.html')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      });
      res.end(page);
      return;
    }
    if (req.method === 'GET' && route === 'api/live') {
      feed.follow(res);
      return;
    }
    const body = /^api\/requests\/([^/]+)\/body$/.exec(route);
    if (req.method === 'GET' && body) {
      const stream = feed.streams.get(body[1]!);
      if (!stream) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no stream with that id\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(feed.body(stream));
      return;
    }
    const save = /^api\/requests\/([^/]+)\/save$/.exec(route);
    if (req.method === 'POST' && save) {
      if (!isOwnOrigin(req.headers.origin)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'only the inspect page may save' }));
        return;
      }
      const stream = feed.streams.get(save[1]!);
      if (!stream?.savable || !stream.end) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no finished proxied stream with that id' }));
        return;
      }
      const target = join(saveDir, fileNameFor(stream));
      // writeRecording keeps secrets out of the sidecar (headers and request fields redacted).
      await writeRecording(target, toRecording(stream), options.fileMode === undefined ? {} : { fileMode: options.fileMode });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: target }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${INSPECT_PREFIX}`,
    origin,
    feed,
    add: (label, recording) => feed.addRecording(label, recording),
    close: () =>
      new Promise<void>((resolve) => {
        feed.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `2026-12-07T13-40-12-openai-chat-completions-3.sse`: when, what, which request; by the response type. */
function fileNameFor(stream: CapturedStream): string {
  const when = (stream.meta.recordedAt ?? new Date().toISOString()).replace(/[:.]/g, '-').replace(/Z$/, '');
  const what = (stream.meta.endpoint ? new URL(stream.meta.endpoint, 'http://x').pathname : stream.label).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const ext = (stream.meta.contentType ?? '').includes('event-stream') ? '.sse' : '.ndjson';
  return `${when}-${what || 'stream'}-${stream.id}${ext}`;
}
