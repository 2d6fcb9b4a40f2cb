import { jsonExcerpt } from '../assembly/json-text.js';
import { ProviderError, type ChunkwiseErrorOptions } from '../errors.js';

/**
 * Recognises the error payloads providers put inside a stream and turns them into a
 * ProviderError:
 * - OpenAI / Groq / OpenAI-compatible: `{"error": {"message", "type", "code", "param"}}`,
 *   sometimes with an HTTP-like `status_code` / `status` inside `error` or beside it;
 * - Ollama: `{"error": "text"}`.
 * Returns undefined for anything that is not an error payload.
 */
export function providerErrorFrom(payload: unknown, position: ChunkwiseErrorOptions = {}): ProviderError | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const root = payload as Record<string, unknown>;
  // vLLM and some proxies: {"object": "error", "message": …, "type": …, "code": …}
  if (root.object === 'error' && typeof root.message === 'string') return fromObject(root, root, payload, position);
  if (!('error' in root) || root.error === null || root.error === undefined) return undefined;
  // A payload that carries choices is a chunk, whatever else it holds (an `error` beside them,
  // a `finish_reason: "error"`: proxies, OpenRouter's mid-stream errors): the transport passes
  // it on, and the assembler applies it and then ends the stream with the ProviderError, so that
  // the partial response holds what that chunk brought (its usage). One rule, in the assembler.
  if (Array.isArray(root.choices) && root.choices.length > 0) return undefined;
  const err = root.error;
  if (typeof err === 'string') {
    return new ProviderError({ message: err, payload, ...statusOf(root), ...position });
  }
  if (typeof err !== 'object') {
    return new ProviderError({ message: String(err), payload, ...position });
  }
  return fromObject(err as Record<string, unknown>, root, payload, position);
}

function fromObject(e: Record<string, unknown>, root: Record<string, unknown>, payload: unknown, position: ChunkwiseErrorOptions): ProviderError {
  // The payload is input: it may nest thousands of levels (JSON.stringify would overflow the stack)
  // or hold megabytes; the message shows a bounded excerpt of it.
  const message = typeof e.message === 'string' ? e.message : jsonExcerpt(e, 200);
  const init: ConstructorParameters<typeof ProviderError>[0] = { message, payload, ...position, ...statusOf(root), ...statusOf(e) };
  if (typeof e.type === 'string') init.type = e.type;
  if (typeof e.code === 'string' || typeof e.code === 'number') init.code = e.code;
  if (typeof e.param === 'string') init.param = e.param;
  return new ProviderError(init);
}

function statusOf(o: Record<string, unknown>): { status?: number } {
  const s = o.status_code ?? o.status ?? o.statusCode ?? (typeof o.code === 'number' ? o.code : undefined);
  if (typeof s === 'number' && Number.isFinite(s)) return { status: s };
  if (typeof s === 'string' && /^\d{3}$/.test(s)) return { status: Number(s) };
  return {};
}

const ERROR_PAYLOAD_PREFIX = /^\s*\{\s*"error"\s*:/;

/**
 * Cheap test on raw SSE data before paying for a second JSON.parse: a character check for the
 * usual compact `{"error"…` and `{"id"…`, the regex only for data that starts with white space.
 */
export function looksLikeErrorPayload(data: string): boolean {
  const first = data.charCodeAt(0);
  if (first === 123 /* { */) {
    const second = data.charCodeAt(1);
    if (second === 34 /* " */) return data.startsWith('error"', 2);
    return second <= 32 && ERROR_PAYLOAD_PREFIX.test(data);
  }
  return first <= 32 && ERROR_PAYLOAD_PREFIX.test(data);
}
