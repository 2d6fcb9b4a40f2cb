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

/** Reads every recording in `dir` (sorted by name) and describes it. */
export async function loadCatalog(dir: string): Promise<CatalogEntry[]> {
  const entries = await listRecordings(dir);
  return Promise.all(
    entries.map(async ({ name, bodyPath }) => {
      const recording = await readRecording(bodyPath);
      return describeRecording(name, bodyPath, recording);
    }),
  );
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
