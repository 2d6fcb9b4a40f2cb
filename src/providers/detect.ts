/**
 * Wire-format detection of a body at hand (a recording), in the same two stages and with the same
 * decoders as the pipeline on a live stream: the transport from the content type or the first
 * bytes (`transports/transport-table.ts`), then the provider from the first decoded payload (the
 * registry). Used where a whole body is known in advance: `serve` and the test kit.
 */
import { createPayloadDecoder } from '../transports/payload-decoder.js';
import { transportOfBody, type TransportName } from '../transports/transport-table.js';
import type { ProviderName } from './provider-spec.js';
import { providerFromFirstPayload } from './registry.js';

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
  const found: unknown[] = [];
  // Errors (a message that is not JSON, an error payload, a cut last line) only end the head early.
  const ignore = () => {};
  const decoder = createPayloadDecoder(transport, {
    payload: (value) => found.push(value),
    stopped: () => found.length >= HEAD_PAYLOADS,
    terminated: ignore,
    error: ignore,
    cut: ignore,
  });
  decoder.feed(body.subarray(0, HEAD_BYTES));
  return {
    transport,
    provider: providerFromFirstPayload(transport, found.length === 0 ? undefined : { payload: found[0], event: decoder.firstEvent }),
    payloads: found.filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p)),
  };
}
