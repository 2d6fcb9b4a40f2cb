/**
 * Wire-format detection of a body at hand (a recording), in the same two stages the pipeline
 * uses on a live stream: the transport from the content type or the first bytes
 * (`transports/transport-table.ts`), then the provider from the first decoded payload (the
 * registry). Used where a whole body is known in advance: replay, `serve`, the test kit, the CLI.
 */
import { isDoneMessage } from '../transports/sse.js';
import { createNdjsonDecoder } from '../transports/ndjson.js';
import { createSseDecoder } from '../transports/sse.js';
import { transportOfBody, type TransportName } from '../transports/transport-table.js';
import type { ProviderName } from './provider-spec.js';
import { providerFromFirstPayload, type FirstPayload } from './registry.js';

/** What detection finds of a body. */
export interface DetectedBody {
  transport: TransportName;
  provider: ProviderName;
  /** The body's first JSON-object payloads (up to a few): what tells endpoints and models apart. */
  payloads: Array<Record<string, unknown>>;
}

// The first messages are enough to learn the provider, the model and the endpoint.
const HEAD_BYTES = 64 * 1024;
const HEAD_PAYLOADS = 8;

/**
 * The transport and provider of a whole body, and its first payloads.
 *
 * @example
 * ```ts
 * detectBody(new TextEncoder().encode('{"model":"m","done":true}\n')).provider; // 'ollama'
 * ```
 */
export function detectBody(body: Uint8Array, contentType?: string | null): DetectedBody {
  const transport = transportOfBody(body, contentType);
  const head = body.subarray(0, HEAD_BYTES);
  const found: FirstPayload[] = [];
  const take = (payload: unknown, event?: string) => {
    if (found.length < HEAD_PAYLOADS) found.push({ payload, event });
  };
  // Errors (a cut last line, an error payload) only end the head early.
  const ignore = () => {};
  if (transport === 'sse') {
    const decoder = createSseDecoder({
      message(message) {
        if (isDoneMessage(message)) return;
        try {
          take(JSON.parse(message.data), message.event);
        } catch {
          // Not JSON: nothing to learn from it.
        }
      },
      done: ignore,
      error: ignore,
      unterminated: ignore,
    });
    decoder.feed(head);
  } else {
    const decoder = createNdjsonDecoder({ value: (value) => take(value), error: ignore, unterminated: ignore });
    decoder.feed(head);
  }
  return {
    transport,
    provider: providerFromFirstPayload(transport, found[0]),
    payloads: found.map((f) => f.payload).filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p)),
  };
}
