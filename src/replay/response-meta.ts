import { redactHeaders, redactSecrets, redactText } from '../assembly/redact.js';
import type { RecordingMeta } from './recording.js';

/** What a recorder knows about the request that produced a response. */
export interface RequestDescription {
  provider?: string;
  /** Defaults to the response's URL. */
  url?: string;
  method?: string;
  /** The request body, as an object or its JSON text; its `model` becomes `meta.model`. */
  body?: unknown;
}

/**
 * Recording metadata from a fetch `Response` and the request behind it: status, headers,
 * content type, endpoint (default: the response URL), method (default `POST`), model, request
 * body, and the time of recording. Secrets in headers, the URL and the body are redacted here
 * (`redact.ts`); `redactNames` adds header and body field names to redact.
 *
 * @example
 * ```ts
 * let meta: RecordingMeta | undefined;
 * const source = fromSource(fetch(url, init), { onResponse: (r) => (meta = describeResponse(r, { provider: 'openai', body: init.body })) });
 * const { bytes, recording } = record(source, { meta: () => meta });
 * ```
 */
export function describeResponse(response: Response, request: RequestDescription = {}, redactNames: readonly string[] = []): RecordingMeta {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const meta: RecordingMeta = {
    status: response.status,
    headers: redactHeaders(headers, redactNames),
    recordedAt: new Date().toISOString(),
  };
  if (response.statusText) meta.statusText = response.statusText;
  const contentType = response.headers.get('content-type');
  if (contentType) meta.contentType = contentType;
  if (request.provider) meta.provider = request.provider;
  const endpoint = request.url ?? response.url;
  if (endpoint) meta.endpoint = redactText(endpoint);
  meta.method = (request.method ?? 'POST').toUpperCase();
  const body = parsedBody(request.body);
  if (body !== undefined) {
    meta.requestBody = redactSecrets(body, redactNames);
    const model = (body as { model?: unknown } | null)?.model;
    if (typeof model === 'string') meta.model = model;
  }
  return meta;
}

function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
