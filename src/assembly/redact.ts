/**
 * Keeps secrets out of recordings and messages: the one list of redaction rules, used by every
 * writer (`record`, the test kit's record mode, `inspect`'s save, sidecars) and by every message
 * that shows a URL.
 *
 * - A header, JSON field (at any depth) or URL query parameter whose name says it holds a
 *   credential has its whole value replaced (`SECRET_NAMES`).
 * - Key-shaped strings (`sk-…`, `gsk_…`, Google `AIza…`, `Bearer …`, …) are masked anywhere in a
 *   string: header values, URLs, request bodies (`SECRET_VALUES`).
 * - Inside any string, a URL's credential query parameters (`?key=…`) and the password of
 *   `user:password@host` are masked, so a URL is safe wherever it is stored or printed.
 */

import { setOwnField } from './own-field.js';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

// Names of headers, JSON fields and query parameters that hold credentials or account ids.
// Matched against the whole name, case-insensitively. Plural `*_tokens` (usage counts,
// `max_tokens`) and `*_key` of caches and sorts (`prompt_cache_key`) deliberately do not match.
const SECRET_NAMES: readonly RegExp[] = [
  /^(?:proxy-)?authorization$/,
  /^(?:set-)?cookie$/,
  /^(?:key|apikey|auth|sig|signature|token|bearer|credentials?|password|passwd|pwd)$/,
  /(?:^|[-_])(?:api|private|secret|access|client|session|auth|subscription)[-_]?key$/,
  /^x-.+-(?:key|token|signature|credential|secret)$/,
  /^(?:access|refresh|id|auth|session|api)token$|[-_]token$/,
  /secret|password|passwd/,
  /^openai-(?:organization|project)$/,
];

// Key-shaped strings, found anywhere: OpenAI / Anthropic `sk-…`, Groq `gsk_…`, xAI `xai-…`,
// Hugging Face `hf_…`, Google `AIza…` (39 characters), and `Bearer` / `Basic` credentials.
const SECRET_VALUES =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

// `?name=value` / `&name=value` / `#name=value` / `;name=value` in a URL (or a URL inside text).
// A name holds none of the characters that start one, so each character is scanned once.
const QUERY_PARAMETER = /([?&#;])([^=&#?;\s"'<>]{1,256})=([^&#;\s"'<>]*)/g;

// The password of `scheme://user:password@host`. The scheme is bounded: an unbounded one would
// rescan a long `a.b.c…` run from every word start (quadratic on a hostile header).
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^:/?#@\s]{0,256}:)[^@/?#\s]{1,1024}@/gi;

/** Whether a header name, JSON field name or query parameter name names a credential. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_NAMES.some((rule) => rule.test(lower));
}

/**
 * A copy of `value` with credential fields replaced by `[redacted]` (at any depth) and
 * key-shaped substrings and URL secrets masked in every string. Arrays and plain objects are
 * copied; other values are returned as they are. `names` adds field names to redact (any case).
 * Walks without recursion, so a value of any depth is copied whole.
 *
 * @example
 * ```ts
 * redactSecrets({ model: 'gpt-4o', api_key: 'sk-…' }); // { model: 'gpt-4o', api_key: '[redacted]' }
 * ```
 */
export function redactSecrets<T>(value: T, names: readonly string[] = []): T {
  const secret = nameRule(names);
  const root = { value: value as unknown };
  // Each entry: a copied container and the original it is filled from.
  const work: Array<[Record<string, unknown> | unknown[], Record<string, unknown> | unknown[]]> = [];
  const copy = (inner: unknown): unknown => {
    if (typeof inner === 'string') return redactText(inner);
    if (Array.isArray(inner)) {
      const out: unknown[] = new Array(inner.length);
      work.push([out, inner]);
      return out;
    }
    if (isPlainObject(inner)) {
      const out: Record<string, unknown> = {};
      work.push([out, inner]);
      return out;
    }
    return inner;
  };
  root.value = copy(root.value);
  while (work.length > 0) {
    const [out, original] = work.pop()!;
    if (Array.isArray(original)) {
      for (let i = 0; i < original.length; i++) (out as unknown[])[i] = copy(original[i]);
      continue;
    }
    for (const [key, inner] of Object.entries(original)) {
      // A body's own `__proto__` key stays an own field of the copy (an assignment would set the prototype).
      setOwnField(out as Record<string, unknown>, key, secret(key) && inner !== null && inner !== undefined ? REDACTED : copy(inner));
    }
  }
  return root.value as T;
}

/**
 * Response or request headers with credential values replaced and secrets in the other values
 * masked; names lower-cased. `names` adds header names to redact (any case).
 *
 * @example
 * ```ts
 * redactHeaders({ 'X-Goog-Api-Key': 'AIza…', location: '/v1?key=abc' }); // { 'x-goog-api-key': '[redacted]', location: '/v1?key=[redacted]' }
 * ```
 */
export function redactHeaders(headers: Record<string, string>, names: readonly string[] = []): Record<string, string> {
  const secret = nameRule(names);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out[key] = secret(key) ? REDACTED : redactText(value);
  }
  return out;
}

/**
 * A string with key-shaped substrings, credential query parameters and URL passwords masked:
 * for URLs and any text that may hold one, before it is stored or printed.
 *
 * @example
 * ```ts
 * redactText('https://example.com/v1?key=abc&alt=sse'); // 'https://example.com/v1?key=[redacted]&alt=sse'
 * ```
 */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(SECRET_VALUES, REDACTED)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(QUERY_PARAMETER, (whole, mark: string, name: string) => (isSecretName(decodedName(name)) ? `${mark}${name}=${REDACTED}` : whole));
}

function nameRule(names: readonly string[]): (name: string) => boolean {
  if (names.length === 0) return isSecretName;
  const extra = new Set(names.map((n) => n.toLowerCase()));
  return (name) => extra.has(name.toLowerCase()) || isSecretName(name);
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
