import { servedEndpoint } from '../providers/registry.js';
import { redactText } from '../assembly/redact.js';
import type { RecordingRequest } from './types.js';

const decoder = new TextDecoder();

/**
 * Describes a fetch call for matching and naming: method, URL (credential query parameters
 * masked), path, endpoint, and the model and stream flag of a JSON body. Reads the body
 * without consuming it: a `Request` is cloned, a streamed `init.body` is left unread.
 *
 * @example
 * ```ts
 * await describeRequest('http://localhost:11434/api/chat', { method: 'POST', body: '{"model":"llama3.2"}' });
 * // { method: 'POST', path: '/api/chat', endpoint: '/api/chat', model: 'llama3.2', stream: true, … }
 * ```
 */
export async function describeRequest(input: string | URL | Request, init?: RequestInit): Promise<RecordingRequest> {
  const request = isRequest(input) ? input : undefined;
  const rawUrl = request ? request.url : String(input instanceof URL ? input.href : input);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  new Headers(request?.headers).forEach((value, name) => (headers[name] = value));
  if (init?.headers) new Headers(init.headers).forEach((value, name) => (headers[name] = value));

  const text = init?.body != null ? await bodyText(init.body) : request?.body ? await request.clone().text() : undefined;
  const body = text === undefined ? undefined : parseJson(text);
  const { url, path } = maskUrl(rawUrl);
  const endpoint = endpointOf(path);
  const described: RecordingRequest = { method, url, path, endpoint, body, headers };
  const json = isObject(body) ? body : undefined;
  if (typeof json?.model === 'string') described.model = json.model;
  const stream = streams(endpoint, json);
  if (stream !== undefined) described.stream = stream;
  return described;
}

/**
 * The endpoint a path answers, for matching: any `…/chat/completions` is `/v1/chat/completions`,
 * `…/completions` is `/v1/completions`, `…/responses` is `/v1/responses`, `/api/…` stays.
 *
 * @example
 * ```ts
 * endpointOf('/openai/v1/chat/completions'); // '/v1/chat/completions'
 * ```
 */
export function endpointOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '') || '/';
  const served = servedEndpoint(trimmed);
  if (served) return served.path;
  // Endpoints no wire format streams (plain completions, embeddings) are still told apart.
  const api = /\/api\/[a-z_]+$/.exec(trimmed);
  if (api) return api[0];
  for (const tail of ['/completions', '/responses', '/embeddings']) {
    if (trimmed.endsWith(tail)) return `/v1${tail}`;
  }
  return trimmed;
}

/** The path of a URL or of a bare path. */
export function pathOf(urlOrPath: string): string {
  try {
    return new URL(urlOrPath, 'http://localhost').pathname;
  } catch {
    return urlOrPath;
  }
}

// OpenAI-style endpoints stream only with `stream: true`; Ollama's stream unless `stream: false`.
function streams(endpoint: string, body: Record<string, unknown> | undefined): boolean | undefined {
  if (!body) return undefined;
  if (endpoint.startsWith('/api/')) return body.stream !== false;
  if (endpoint.startsWith('/v1/')) return body.stream === true;
  return typeof body.stream === 'boolean' ? body.stream : undefined;
}

// Query parameters that carry keys (`?key=` is Gemini's) never reach a message or a file.
function maskUrl(raw: string): { url: string; path: string } {
  return { url: redactText(raw), path: pathOf(raw) };
}

async function bodyText(body: BodyInit): Promise<string | undefined> {
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return decoder.decode(body);
  if (ArrayBuffer.isView(body)) return decoder.decode(body);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.text();
  // Streams and form data are passed on unread.
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRequest(input: unknown): input is Request {
  return typeof Request !== 'undefined' && input instanceof Request;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
