/**
 * Keeps secrets out of recordings: header values and request-body fields whose names say
 * they hold credentials, and API-key-shaped substrings anywhere in strings.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

// Names of headers / JSON keys whose values are credentials or account identifiers.
// Plural `*_tokens` (usage counts, `max_tokens`) deliberately does not match.
const SECRET_NAME =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|openai-organization|openai-project)$|secret|password|passwd|[-_]token$|^token$|^bearer$/i;

// Key-shaped strings: OpenAI `sk-…`, Groq `gsk_…`, and `Bearer …` credentials.
const SECRET_VALUE = /\b(?:sk-[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,})|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Whether a header name or JSON key names a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A deep copy of `value` with credential fields replaced by `[redacted]` and key-shaped
 * substrings masked. Arrays and plain objects are copied; other values are returned as they are.
 *
 * @example
 * ```ts
 * redactSecrets({ model: 'gpt-4o', api_key: 'sk-…' }); // { model: 'gpt-4o', api_key: '[redacted]' }
 * ```
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value) as T;
}

/** Response or request headers with credential values replaced; names lower-cased. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out[key] = isSecretName(key) ? REDACTED : maskSecretStrings(value);
  }
  return out;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return maskSecretStrings(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = isSecretName(key) && inner !== null ? REDACTED : redactValue(inner);
    return out;
  }
  return value;
}

function maskSecretStrings(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
