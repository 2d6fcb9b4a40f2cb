import { realpath } from 'node:fs/promises';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { basename, sep } from 'node:path';
import { listRecordings, readRecording } from '../recording-files.js';
import { createPipeline } from '../../pipeline/pipeline.js';
import { detectBody } from '../../providers/detect.js';
import { SERVED_ENDPOINTS, bodyNamesProvider, endpointsForPayloads, servedEndpoint } from '../../providers/registry.js';
import type { Recording } from '../../replay/recording.js';
import type { TransportName } from '../../transports/transport-table.js';

/** A request path the replay server answers (the wire-format registry lists them). */
export type Endpoint = string;

/** The paths the replay server answers. */
export const ENDPOINT_PATHS: readonly Endpoint[] = SERVED_ENDPOINTS.map((endpoint) => endpoint.path);

/** A recording the server can play, with what it takes to choose it for a request. */
export interface CatalogEntry {
  /** The body's file name without extension (`openai-text`). */
  name: string;
  bodyPath: string;
  format: TransportName;
  /** The endpoints this recording can answer. */
  endpoints: Endpoint[];
  /** Models it names: the one the request asked for (sidecar) and the one the response reports. */
  models: string[];
  provider?: string;
  status: number;
  /** Whether it has recorded piece timing (a sidecar with pieces). */
  timed: boolean;
  /** Whether the body assembles to a final object (no error anywhere, the end its format needs). */
  complete: boolean;
  /** Its metadata's `quirk`: then it answers only a request that names it. */
  quirk?: string;
  recording: Recording;
}

const HEAD_BYTES = 8192;

/**
 * Reads every recording in `dir` (sorted by name) and describes it. A recording that cannot be
 * served is skipped and told to `warn` in one line: unreadable or invalid, a name that is not
 * printable ASCII (it could not travel in `x-chunkwise-recording`), or a body or sidecar that is
 * a link to a file outside the folder (never read).
 */
export async function loadCatalog(dir: string, warn: (message: string) => void): Promise<CatalogEntry[]> {
  const entries = await listRecordings(dir);
  const root = await realpath(dir);
  const loaded = await Promise.all(
    entries.map(async ({ name, bodyPath, sidecarPath }) => {
      const file = basename(bodyPath);
      try {
        if (!PRINTABLE_ASCII.test(name)) throw new Error('its name is not printable ASCII, so no request could name it');
        for (const path of sidecarPath ? [bodyPath, sidecarPath] : [bodyPath]) {
          if (!isInside(root, await realpath(path))) throw new Error(`${basename(path)} is a link to a file outside the folder`);
        }
        const recording = await readRecording(bodyPath);
        const problem = replayProblem(recording);
        if (problem) throw new Error(problem);
        return describeRecording(name, bodyPath, recording);
      } catch (error) {
        warn(`skipped "${file}": ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }),
  );
  return loaded.filter((entry) => entry !== undefined);
}

/**
 * Why a recording's sidecar could not be replayed as an HTTP answer, or undefined: a status
 * outside 100–599, or a status text or header that HTTP cannot carry (a line break in a value
 * would split the response).
 */
function replayProblem(recording: Recording): string | undefined {
  const meta = recording.meta ?? {};
  if (meta.status !== undefined && !(Number.isInteger(meta.status) && meta.status >= 100 && meta.status <= 599)) return `its status ${String(meta.status)} is not an HTTP status`;
  if (meta.statusText !== undefined && (typeof meta.statusText !== 'string' || INVALID_HEADER_TEXT.test(meta.statusText))) return 'its status text holds characters HTTP cannot carry';
  const headers: unknown = meta.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'its recorded headers are not an object';
  for (const [name, value] of Object.entries(headers)) {
    try {
      if (typeof value !== 'string') throw new TypeError('not a string');
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      return `its recorded header ${JSON.stringify(name)} is not a valid HTTP header`;
    }
  }
  return undefined;
}

// What Node refuses in a status text or header value (line breaks and other controls).
// eslint-disable-next-line no-control-regex
const INVALID_HEADER_TEXT = /[^\t\x20-\x7e\x80-\xff]/;

// eslint-disable-next-line no-control-regex
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

export function describeRecording(name: string, bodyPath: string, recording: Recording): CatalogEntry {
  const contentType = recording.meta?.contentType ?? recording.meta?.headers?.['content-type'];
  const detected = detectBody(recording.body, contentType);
  const format = detected.transport;
  const status = recording.meta?.status ?? 200;
  const head = new TextDecoder().decode(recording.body.subarray(0, HEAD_BYTES));
  const models = new Set<string>();
  if (recording.meta?.model) models.add(recording.meta.model);
  const responseModel = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(head)?.[1];
  if (responseModel) models.add(responseModel);
  const entry: CatalogEntry = {
    name,
    bodyPath,
    format,
    endpoints: endpointsFor(detected, recording.meta?.endpoint),
    models: [...models],
    status,
    timed: recording.pieces !== undefined && recording.pieces.length > 0,
    complete: status < 300 && endsWell(recording.body, contentType ?? null),
    recording,
  };
  // A recorded provider name wins; else the body's, when it names one.
  const provider = recording.meta?.provider ?? (bodyNamesProvider(format, detected.provider) ? detected.provider : undefined);
  if (provider) entry.provider = provider;
  if (recording.meta?.quirk) entry.quirk = recording.meta.quirk;
  return entry;
}

function endpointsFor(detected: ReturnType<typeof detectBody>, recorded: string | undefined): Endpoint[] {
  const served = recorded ? servedEndpoint(pathOf(recorded)) : undefined;
  if (served && served.transport === detected.transport) return [served.path];
  return endpointsForPayloads(detected.provider, detected.payloads);
}

/**
 * Whether the body assembles to a final object: the pipeline's own rules for how each format
 * ends well, so an error anywhere (an `error` event, an `error` object inside an ordinary chunk,
 * `response.failed`, an Ollama error line) or a missing end counts, whatever its position.
 */
function endsWell(body: Uint8Array, contentType: string | null): boolean {
  let ok = false;
  const pipeline = createPipeline({}, { final: () => (ok = true), error: () => (ok = false) });
  try {
    pipeline.contentType(contentType);
    pipeline.feed(body);
    pipeline.end();
  } catch {
    return false;
  }
  return ok;
}

function pathOf(endpoint: string): string {
  try {
    return new URL(endpoint, 'http://x').pathname;
  } catch {
    return endpoint;
  }
}
