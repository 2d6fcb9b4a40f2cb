import { lstat, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { oneLine } from '../cli/io.js';
import { requestStreams, servedEndpoint } from '../../providers/registry.js';
import { ENDPOINT_PATHS, loadCatalog, type CatalogEntry } from './catalog.js';
import { chooseRecording } from './choose-recording.js';
import { answerPreflight, setCorsHeaders } from './cors.js';
import { checkLocalRequest, corsOriginsOf } from './local-requests.js';
import { isLoopbackHost, originOf } from './loopback.js';
import { sendError, sendFinalObject, sendJson, streamRecording, type PlaybackOptions } from './playback.js';
import { readJsonBody } from './request-body.js';

export interface ReplayServerOptions extends PlaybackOptions {
  /** The folder of recordings to serve (`NAME.sse`, `NAME.ndjson`, with optional sidecars). */
  dir: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default `127.0.0.1`. Anything but a loopback address needs `allowRemote`. */
  host?: string;
  /** Allow binding a non-loopback address (the recordings become reachable from the network). */
  allowRemote?: boolean;
  /**
   * Origins besides loopback ones (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`)
   * whose pages may call the server (`--cors`). `null` never may.
   */
  corsOrigins?: readonly string[];
  /** Told about each answered request (the CLI logs them). */
  onRequest?: (info: ReplayRequestInfo) => void;
  /** Told, in one line, about each recording skipped (unreadable, invalid) and each failure. Default: a line on stderr. */
  onWarning?: (message: string) => void;
}

export interface ReplayRequestInfo {
  method: string;
  path: string;
  status: number;
  /** The recording played, and how it was chosen. */
  recording?: string;
  by?: 'header' | 'model' | 'default';
}

export interface ReplayServer {
  /** `http://127.0.0.1:PORT`: the OpenAI SDK's `baseURL` is this plus `/v1`; the Ollama SDK's `host` is this. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The names of the recordings served when the server started. */
  readonly recordings: string[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Starts an HTTP server that answers `POST /v1/chat/completions` (SSE) and `POST /api/chat`,
 * `POST /api/generate` (NDJSON) by replaying a recording with its recorded timing, so real
 * clients (the OpenAI and Ollama SDKs, a browser page) can be run against recorded streams.
 * The recording is the one named by the `x-chunkwise-recording` header, else the first recorded
 * with the request's `model`, else the first that fits the endpoint. `GET /recordings` lists
 * them. Requests with `stream: false` get the final object.
 *
 * It answers only requests addressed to a loopback name (`Host`), and pages of loopback origins
 * or of `corsOrigins` (see `local-requests.ts`); it reads only the recordings in `dir` itself,
 * never a link out of it. A file it cannot serve is skipped with one warning.
 *
 * @throws UsageError for a non-loopback `host` without `allowRemote`, a bad `corsOrigins`
 * entry, or an unreadable folder.
 * @example
 * ```ts
 * const server = await createReplayServer({ dir: 'recordings', instant: true });
 * const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
 * // …
 * await server.close();
 * ```
 */
// One piece: the request handler closes over the catalog, the options and the log; each step it
// takes (choose a recording, stream it, answer with the final object) is its own function in serve/.
export async function createReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const host = options.host ?? '127.0.0.1';
  if (!options.allowRemote && !isLoopbackHost(host)) {
    throw new UsageError(`Refusing to listen on ${host}: not a loopback address (pass --allow-remote / allowRemote to serve the network)`);
  }
  const policy = { corsOrigins: corsOriginsOf(options.corsOrigins ?? []), anyHost: options.allowRemote === true };
  const onWarning = options.onWarning ?? ((message: string) => process.stderr.write(`chunkwise serve: ${oneLine(message)}\n`));
  // Each problem is told once, not on every reload of the folder.
  const told = new Set<string>();
  const warn = (message: string) => {
    if (told.has(message)) return;
    told.add(message);
    onWarning(message);
  };
  const dir = options.dir;
  let catalog = await loadCatalog(dir, warn);
  let loaded = await folderSignature(dir);

  // Recordings added, removed or rewritten while the server runs are picked up on the next request.
  const currentCatalog = async (): Promise<CatalogEntry[]> => {
    const signature = await folderSignature(dir);
    if (signature !== loaded) {
      catalog = await loadCatalog(dir, warn);
      loaded = signature;
    }
    return catalog;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const checked = checkLocalRequest(req, policy);
    if ('status' in checked) {
      sendError(res, checked.status, checked.message);
      return options.onRequest?.({ method, path: req.url ?? '', status: checked.status });
    }
    const path = checked.path.replace(/\/+$/, '') || '/';
    const log = (status: number, extra: Partial<ReplayRequestInfo> = {}) => options.onRequest?.({ method, path, status, ...extra });
    if (method === 'OPTIONS') return answerPreflight(req, res);
    setCorsHeaders(req, res);

    if (path === '/recordings' || path === '/') {
      if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, `${path} answers GET`);
      sendJson(res, 200, path === '/' ? { endpoints: ENDPOINT_PATHS, recordings: '/recordings' } : { recordings: (await currentCatalog()).map(listing) });
      return log(200);
    }
    const served = servedEndpoint(path);
    const endpoint = served?.path;
    if (!served || !endpoint) {
      sendError(res, 404, `Unknown path ${path}: try POST ${ENDPOINT_PATHS.join(', ')} or GET /recordings`);
      return log(404);
    }
    if (method !== 'POST') {
      sendError(res, 405, `${endpoint} answers POST`);
      return log(405);
    }
    const body = await readJsonBody(req, MAX_REQUEST_BYTES);
    if ('error' in body) {
      sendError(res, body.status, body.error);
      return log(body.status);
    }
    const request = body.value as { model?: unknown; stream?: unknown } | undefined;
    const header = req.headers['x-chunkwise-recording'];
    const named = Array.isArray(header) ? header[0] : header;
    const model = typeof request?.model === 'string' ? request.model : undefined;
    const choice = chooseRecording(await currentCatalog(), endpoint, named, model);
    if ('error' in choice) {
      sendError(res, choice.status, choice.error);
      return log(choice.status);
    }
    // OpenAI streams only when asked to; Ollama streams unless told not to.
    const streaming = requestStreams(served, request?.stream);
    if (streaming || choice.entry.status >= 400) streamRecording(choice.entry, res, options);
    else await sendFinalObject(choice.entry, res);
    log(choice.entry.status >= 400 || streaming ? choice.entry.status : res.statusCode, { recording: choice.entry.name, by: choice.by });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The reason goes to the log, not to the client: it may name files and folders.
      warn(`a request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'the replay server could not answer (its log says why)');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such local address' : error.message;
      reject(new UsageError(`Cannot listen on ${host}:${options.port ?? 0}: ${why}`, { cause: error }));
    };
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: originOf(address.address, address.port),
    host: address.address,
    port: address.port,
    recordings: catalog.map((e) => e.name),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listing(entry: CatalogEntry) {
  const { name, format, endpoints, models, provider, status, timed, complete } = entry;
  return { name, file: entry.bodyPath.split(/[\\/]/).pop(), format, endpoints, models, provider: provider ?? null, status, timed, complete, quirk: entry.quirk ?? null };
}

/** Names, sizes and times of the folder's files: changes whenever a recording does. */
async function folderSignature(dir: string): Promise<string> {
  try {
    const names = (await readdir(dir)).sort();
    // lstat: a link is not followed, its target may be outside the folder.
    const stats = await Promise.all(names.map((name) => lstat(join(dir, name)).then((s) => `${name}:${s.size}:${s.mtimeMs}`, () => name)));
    return stats.join('|');
  } catch (error) {
    throw new UsageError(`Cannot read recordings folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
}
