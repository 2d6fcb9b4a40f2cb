import type { ProviderName, TransportName } from '../assembly/assembler.js';

/** The provider implied by a content type, or undefined when it says nothing useful. */
export function providerFromContentType(contentType: string | null | undefined): ProviderName | undefined {
  if (!contentType) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/event-stream') return 'openai';
  if (type.includes('ndjson') || type.includes('jsonl') || type.includes('json-lines') || type === 'application/json') return 'ollama';
  return undefined;
}

/**
 * The transport implied by the first bytes of a body: SSE lines start with a field name or a
 * comment colon; NDJSON lines start with `{`. Returns undefined while only a BOM and white
 * space have arrived (the caller waits for more bytes).
 */
export function transportFromFirstBytes(bytes: Uint8Array): TransportName | undefined {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  for (; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) return 'ndjson';
    return 'sse';
  }
  return undefined;
}

export function providerForTransport(transport: TransportName): ProviderName {
  return transport === 'sse' ? 'openai' : 'ollama';
}
