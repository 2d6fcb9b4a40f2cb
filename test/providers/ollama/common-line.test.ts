import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCommonLine } from '../../../src/providers/ollama/common-line.js';
import { createLineRecord, readLine } from '../../../src/providers/ollama/read-line.js';
import { applyLine, checkEndpoint, createOllamaState, type OllamaState } from '../../../src/providers/ollama/state.js';

/** What a line can change in the state, as plain data. */
const view = (s: OllamaState) => ({
  endpoint: s.endpoint, model: s.model, createdAt: s.createdAt, role: s.role, text: s.text, thinking: s.thinking,
  images: s.images, toolCalls: s.toolCalls.length, logprobs: s.logprobs.length, doneReason: s.doneReason, context: s.context,
  metrics: { ...s.metrics }, fields: s.fields && { ...s.fields }, messageFields: s.messageFields && { ...s.messageFields }, done: s.done,
});

/** The general path: check, then apply (what the assembler does for any line). */
function general(s: OllamaState, payload: unknown): boolean {
  const record = createLineRecord();
  try {
    readLine(payload, record, undefined);
    if (record.error) return false;
    checkEndpoint(s, record, undefined);
  } catch {
    return false;
  }
  applyLine(s, record, payload as Record<string, unknown>);
  return true;
}

// Lines near the common shape: each field may be missing, of another type, or joined by others.
const odd = fc.constantFrom<unknown>(undefined, null, 3, true, [], {}, 'x');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: odd });
const message = fc.record(
  { role: maybe(fc.constantFrom('assistant', 'user', '')), content: maybe(fc.string({ maxLength: 4 })), thinking: odd, extra: odd },
  { requiredKeys: [] },
);
const line = fc
  .record(
    {
      model: maybe(fc.constantFrom('llama3.2', 'qwen3')),
      created_at: maybe(fc.constantFrom('2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z')),
      message: fc.oneof({ weight: 4, arbitrary: message }, { weight: 1, arbitrary: odd }),
      response: maybe(fc.string({ maxLength: 4 })),
      done: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: odd }),
      eval_count: odd,
      custom: odd,
    },
    { requiredKeys: [] },
  )
  // Drop keys whose value came out undefined: JSON has no undefined.
  .map((o) => JSON.parse(JSON.stringify(o)) as unknown);

describe('Ollama common-line fast path', () => {
  it('changes the state exactly as the general path does, or not at all (property, seed 11)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const fast = createOllamaState();
        const reference = createOllamaState();
        for (const payload of lines) {
          const before = view(fast);
          const text = applyCommonLine(fast, payload);
          if (text === undefined) {
            expect(view(fast)).toEqual(before);
            // Not a common line: both sides take the general path from here.
            if (!general(fast, payload)) return;
            expect(general(reference, payload)).toBe(true);
          } else {
            expect(general(reference, payload)).toBe(true);
            const p = payload as { message?: { content: string }; response?: string };
            expect(text).toBe(p.message !== undefined ? p.message.content : p.response);
          }
          expect(view(fast)).toEqual(view(reference));
        }
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('takes the lines real streams are made of', () => {
    const s = createOllamaState();
    expect(applyCommonLine(s, { model: 'm', created_at: 't', message: { role: 'assistant', content: 'Hi' }, done: false })).toBe('Hi');
    expect(applyCommonLine(s, { model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: false })).toBe('');
    expect(applyCommonLine(createOllamaState(), { model: 'm', created_at: 't', response: 'Hi', done: false })).toBe('Hi');
    // The final line, an extra field, a generate line in a chat stream: the general path's.
    expect(applyCommonLine(s, { model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true })).toBeUndefined();
    expect(applyCommonLine(s, { model: 'm', created_at: 't', message: { role: 'assistant', content: 'x', thinking: 'y' }, done: false })).toBeUndefined();
    expect(applyCommonLine(s, { model: 'm', created_at: 't', response: 'x', done: false })).toBeUndefined();
    expect(s.text).toBe('Hi');
  });
});
