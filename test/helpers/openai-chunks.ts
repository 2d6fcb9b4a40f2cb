/** Test helper: small chat-completions chunks written inline, and their assembly. */
import { createOpenAiAssembler, type OpenAiAssemblerOptions } from '../../src/providers/openai/assembler.js';
import type { ChatCompletion } from '../../src/providers/openai/types.js';
import type { OpenAiEvent } from '../../src/providers/openai/event-sink.js';

export const CHUNK_BASE = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-test', system_fingerprint: 'fp_test' };

/** A chunk with these choices (and top-level fields). */
export function chunk(choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...CHUNK_BASE, choices, ...extra };
}

/** One `choices[]` entry carrying `delta` for choice `index` (0 unless `extra.index`). */
export function choice(delta: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { index: 0, delta, logprobs: null, finish_reason: null, ...extra };
}

/** A chunk with one choice-0 delta. */
export function deltaChunk(delta: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return chunk([choice(delta, extra)]);
}

/** The finish chunk of choice `index`. */
export function finishChunk(reason = 'stop', index = 0): Record<string, unknown> {
  return chunk([choice({}, { index, finish_reason: reason })]);
}

/** Pushes the payloads and finishes (as after `[DONE]` unless `terminated` is false). */
export function assemblePayloads(
  payloads: readonly unknown[],
  options: OpenAiAssemblerOptions & { terminated?: boolean; lenient?: boolean } = {},
): ChatCompletion {
  const { terminated = true, lenient = false, ...assemblerOptions } = options;
  const assembler = createOpenAiAssembler(assemblerOptions);
  payloads.forEach((p, i) => assembler.push(p, { event: i + 1 }));
  return assembler.finish(terminated, lenient);
}

/** Assembles and collects every event. */
export function eventsOf(payloads: readonly unknown[], options: OpenAiAssemblerOptions & { terminated?: boolean } = {}): { events: OpenAiEvent[]; final: ChatCompletion } {
  const events: OpenAiEvent[] = [];
  const also = options.onEvent;
  const final = assemblePayloads(payloads, {
    ...options,
    onEvent: (e) => {
      events.push(e);
      also?.(e);
    },
  });
  return { events, final };
}
