import { HttpError } from '../errors.js';

/**
 * Builds an HttpError from a non-2xx response, reading the body once and pulling the
 * provider's message out of the usual JSON shapes:
 * OpenAI/Groq `{"error": {"message", "type", "code"}}`, Ollama `{"error": "…"}`, and
 * `{"message": "…"}` from proxies.
 */
export async function httpErrorFrom(response: Response): Promise<HttpError> {
  let body = '';
  try {
    body = await response.text();
  } catch {
    // The body could not be read (connection dropped): the status still says what went wrong.
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const found = providerErrorIn(body);
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  return new HttpError({
    status: response.status,
    statusText: response.statusText,
    body,
    headers,
    url: response.url || undefined,
    ...found,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
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
