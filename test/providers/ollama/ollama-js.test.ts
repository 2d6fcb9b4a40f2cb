/**
 * Differential test against ollama-js: the same bytes through ollama-js's own NDJSON reader and
 * through chunkwise must give the same chunks, and chunkwise's final object must hold what a
 * user would assemble from ollama-js's parts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProviderError, TruncatedStreamError } from '../../../src/errors.js';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import { ollamaChunks } from '../../../src/providers/ollama/chunks.js';
import type { OllamaChatResponse, OllamaGenerateResponse } from '../../../src/providers/ollama/types.js';
import { decodeNdjson } from '../../../src/transports/ndjson.js';
import { assembleNdjson, listFiles, OLLAMA_WIRE, RECORDINGS_DIR, REFERENCE_DIR } from '../../helpers/ndjson-payloads.js';

const encoder = new TextEncoder();

const bodies: Array<[string, Uint8Array]> = [
  ...listFiles(REFERENCE_DIR, 'ollama-', '.ndjson').map((f): [string, Uint8Array] => [`reference-streams/${f}`, new Uint8Array(readFileSync(join(REFERENCE_DIR, f)))]),
  ...listFiles(RECORDINGS_DIR, 'ollama-', '.ndjson').map((f): [string, Uint8Array] => [`recordings/${f}`, new Uint8Array(readFileSync(join(RECORDINGS_DIR, f)))]),
  ...Object.entries(OLLAMA_WIRE).map(([name, text]): [string, Uint8Array] => [`wire text ${name}`, encoder.encode(text)]),
];

interface Part {
  message?: { content?: string; thinking?: string; tool_calls?: unknown[] };
  response?: string;
  thinking?: string;
}

/** Everything ollama-js yields for `body`, and what it threw, if anything. */
async function ollamaJsParts(body: Uint8Array, endpoint: 'chat' | 'generate'): Promise<{ parts: Part[]; error?: Error }> {
  const ollama = new Ollama({
    host: 'http://127.0.0.1:1',
    fetch: async () => new Response(body.slice(), { headers: { 'content-type': 'application/x-ndjson' } }),
  });
  const parts: Part[] = [];
  try {
    const stream = endpoint === 'chat' ? await ollama.chat({ model: 'm', messages: [], stream: true }) : await ollama.generate({ model: 'm', prompt: '', stream: true });
    for await (const part of stream) parts.push(part as Part);
  } catch (error) {
    return { parts, error: error as Error };
  }
  return { parts };
}

/** The chunks chunkwise passes on before it stops, and the error it stopped with. */
function chunkwiseChunks(body: Uint8Array): Promise<{ chunks: unknown[]; error?: Error }> {
  const chunks: unknown[] = [];
  return new Promise((resolve) => {
    from([body])
      .pipe(decodeNdjson(), ollamaChunks())
      .subscribe({ next: (chunk) => chunks.push(chunk), error: (error: Error) => resolve({ chunks, error }), complete: () => resolve({ chunks }) });
  });
}

/** `/api/generate` when the first line has `response`, as chunkwise decides too. */
function endpointOf(body: Uint8Array): 'chat' | 'generate' {
  const first = JSON.parse(new TextDecoder().decode(body).split('\n')[0]!);
  return 'response' in first ? 'generate' : 'chat';
}

describe('chunkwise and ollama-js read the same bytes the same way', () => {
  it('has bodies to compare', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(3 + Object.keys(OLLAMA_WIRE).length);
  });

  for (const [name, body] of bodies) {
    it(`yields ollama-js’s chunks and assembles what its parts add up to: ${name}`, async () => {
      const endpoint = endpointOf(body);
      const theirs = await ollamaJsParts(body, endpoint);
      const ours = await chunkwiseChunks(body);
      expect(ours.chunks).toEqual(theirs.parts);

      const outcome = assembleNdjson(createOllamaAssembler(), body);
      if (theirs.error) {
        expect(outcome.error, 'chunkwise fails where ollama-js throws').toBeDefined();
        if (outcome.error instanceof ProviderError) expect(outcome.error.providerMessage).toBe(theirs.error.message);
        else {
          expect(outcome.error).toBeInstanceOf(TruncatedStreamError);
          expect(theirs.error.message).toBe('Did not receive done or success response in stream.');
        }
      } else {
        expect(outcome.error).toBeUndefined();
      }
      const final = (outcome.final ?? outcome.error!.partial) as (OllamaChatResponse & OllamaGenerateResponse) | undefined;
      if (final === undefined) {
        expect(theirs.parts).toEqual([]);
        return;
      }
      const join = (pick: (p: Part) => string | undefined) => theirs.parts.map((p) => pick(p) ?? '').join('');
      if (endpoint === 'chat') {
        expect(final.message.content).toBe(join((p) => p.message?.content));
        expect(final.message.thinking ?? '').toBe(join((p) => p.message?.thinking));
        expect(final.message.tool_calls ?? []).toEqual(theirs.parts.flatMap((p) => p.message?.tool_calls ?? []));
      } else {
        expect(final.response).toBe(join((p) => p.response));
        expect(final.thinking ?? '').toBe(join((p) => p.thinking));
      }
    });
  }
});
