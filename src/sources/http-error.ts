import { redactText } from '../assembly/redact.js';
import { HttpError } from '../errors.js';

/** How much of an error body is read (a proxy may send megabytes of HTML, or never stop). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface HttpErrorOptions {
  /** Read at most this many bytes of the body (default 64 KiB). */
  maxBodyBytes?: number;
  /** Aborting stops reading the body and cancels it (closing the connection). */
  signal?: AbortSignal;
}

/**
 * Builds an HttpError from a non-2xx response, reading (the start of) the body once and
 * pulling the provider's message out of the usual JSON shapes:
 * OpenAI/Groq `{"error": {"message", "type", "code"}}`, Ollama `{"error": "…"}`, and
 * `{"message": "…"}` from proxies.
 *
 * @example
 * ```ts
 * if (!response.ok) throw await httpErrorFrom(response);
 * ```
 */
export async function httpErrorFrom(response: Response, options: HttpErrorOptions = {}): Promise<HttpError> {
  const body = await readBody(response, options.maxBodyBytes ?? MAX_ERROR_BODY_BYTES, options.signal);
  const found = providerErrorIn(body);
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  return new HttpError({ ...responseFacts(response), body, ...found, ...(retryAfter === undefined ? {} : { retryAfter }) });
}

/**
 * What an HttpError says of the response: status, headers and URL (named in its message). The URL
 * has its credential query parameters masked (`?key=[redacted]`): the message is printed and
 * logged, and some APIs take the key in the URL.
 */
export function responseFacts(response: Response): { status: number; statusText: string; headers: Record<string, string>; url?: string } {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, statusText: response.statusText, headers, ...(response.url ? { url: redactText(response.url) } : {}) };
}

async function readBody(response: Response, max: number, signal: AbortSignal | undefined): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  signal?.addEventListener('abort', cancel, { once: true });
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      length += value.byteLength;
    }
    if (length >= max) cancel();
  } catch {
    // The body could not be read (connection dropped): the status still says what went wrong.
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  // Non-fatal: an error page in another charset still says something.
  return new TextDecoder().decode(bytes.subarray(0, max));
}

interface FoundProviderError {
  providerMessage?: string;
  providerType?: string;
  providerCode?: string | number;
}

export function providerErrorIn(body: string): FoundProviderError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const root = parsed as Record<string, unknown>;
  const err = root.error;
  if (typeof err === 'string') return { providerMessage: err };
  if (typeof err === 'object' && err !== null) {
    const e = err as Record<string, unknown>;
    const out: FoundProviderError = {};
    if (typeof e.message === 'string') out.providerMessage = e.message;
    if (typeof e.type === 'string') out.providerType = e.type;
    if (typeof e.code === 'string' || typeof e.code === 'number') out.providerCode = e.code;
    return out;
  }
  if (typeof root.message === 'string') return { providerMessage: root.message };
  return {};
}

/** `retry-after` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - now) / 1000));
}
