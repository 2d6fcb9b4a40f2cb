/**
 * Property: for random interleavings of array deltas (`annotations`), indexed entries
 * (`reasoning_details`), content parts and tool-call fragments, on indexes in any order, the
 * streamed result equals a simple reference merge written here, independently of
 * src/assembly/array-merge.ts and content-parts.ts: group, sort, concatenate.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createOpenAiAssembler } from '../../src/providers/openai/assembler.js';

type Step = { field: string; value: unknown };

interface Case {
  annotations: string[];
  details: Array<{ index: number; texts: string[] }>;
  content: Array<{ kind: 'text' | 'string' | 'thinking'; text: string }>;
  calls: Array<{ index: number; name: string; pieces: string[] }>;
  order: number[];
  pairs: boolean[];
}

const word = fc.stringMatching(/^[a-z]{1,3}$/);

const arbitraryCase: fc.Arbitrary<Case> = fc
  .record({
    annotations: fc.array(word, { maxLength: 4 }),
    detailIndexes: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
    detailTexts: fc.array(fc.array(word, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 3 }),
    content: fc.array(fc.record({ kind: fc.constantFrom('text' as const, 'string' as const, 'thinking' as const), text: word }), { maxLength: 6 }),
    callIndexes: fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 4 }),
    callPieces: fc.array(fc.array(word, { maxLength: 3 }), { minLength: 4, maxLength: 4 }),
    order: fc.array(fc.nat(), { maxLength: 60 }),
    pairs: fc.array(fc.boolean(), { maxLength: 60 }),
  })
  .map((r) => ({
    annotations: r.annotations,
    // Unique fragments (a counter in each), so that no fragment repeats the text held before it.
    details: r.detailIndexes.map((index, i) => ({ index, texts: r.detailTexts[i]!.map((t, j) => `${t}${i}.${j};`) })),
    content: r.content,
    calls: r.callIndexes.map((index, i) => ({ index, name: `f${i}`, pieces: r.callPieces[i]!.map((t, j) => `${t}${j}`) })),
    order: r.order,
    pairs: r.pairs,
  }));

/** Each stream's steps in their own order; the case's `order` interleaves them. */
function streams(c: Case): Step[][] {
  const out: Step[][] = [];
  out.push(c.annotations.map((url) => ({ field: 'annotations', value: [{ type: 'url_citation', url_citation: { url } }] })));
  for (const d of c.details) out.push(d.texts.map((text, j) => ({ field: 'reasoning_details', value: [j === 0 ? { type: 'reasoning.text', index: d.index, text, format: 'x' } : { type: 'reasoning.text', index: d.index, text }] })));
  out.push(
    c.content.map((p) => ({
      field: 'content',
      value: p.kind === 'string' ? p.text : p.kind === 'text' ? [{ type: 'text', text: p.text }] : [{ type: 'thinking', thinking: [{ type: 'text', text: p.text }] }],
    })),
  );
  for (const call of c.calls) {
    out.push([
      { field: 'tool_calls', value: [{ index: call.index, id: `id_${call.index}`, type: 'function', function: { name: call.name, arguments: '' } }] },
      ...call.pieces.map((arguments_) => ({ field: 'tool_calls', value: [{ index: call.index, function: { arguments: arguments_ } }] })),
    ]);
  }
  return out;
}

/** The deltas of the stream: steps interleaved by `order`; a step joins the one before when `pairs` says so and its field is new there. */
function deltas(c: Case): Array<Record<string, unknown>> {
  const queues = streams(c).filter((q) => q.length > 0);
  const out: Array<Record<string, unknown>> = [];
  let pick = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const queue = live[(c.order[pick] ?? pick) % live.length]!;
    const step = queue.shift()!;
    const last = out[out.length - 1];
    if (last !== undefined && c.pairs[pick] && !(step.field in last)) last[step.field] = step.value;
    else out.push({ [step.field]: step.value });
    pick++;
  }
  return out;
}

/** The reference merge. */
function expected(c: Case): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant' };
  const segments: Array<{ kind: 'text' | 'thinking'; text: string }> = [];
  for (const p of c.content) {
    const kind = p.kind === 'thinking' ? 'thinking' : 'text';
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.text += p.text;
    else segments.push({ kind, text: p.text });
  }
  message.content = segments.every((s) => s.kind === 'text')
    ? segments.map((s) => s.text).join('') || null
    : segments.map((s) => (s.kind === 'text' ? { type: 'text', text: s.text } : { type: 'thinking', thinking: [{ type: 'text', text: s.text }] }));
  message.refusal = null;
  if (c.calls.length > 0) {
    message.tool_calls = [...c.calls]
      .sort((a, b) => a.index - b.index)
      .map((call) => ({ id: `id_${call.index}`, type: 'function', function: { name: call.name, arguments: call.pieces.join('') } }));
  }
  const rest: Record<string, unknown> = {};
  if (c.annotations.length > 0) rest.annotations = c.annotations.map((url) => ({ type: 'url_citation', url_citation: { url } }));
  if (c.details.length > 0) rest.reasoning_details = [...c.details].sort((a, b) => a.index - b.index).map((d) => ({ type: 'reasoning.text', index: d.index, text: d.texts.join(''), format: 'x' }));
  return { ...message, ...rest };
}

describe('streamed merge = reference merge', () => {
  test('random interleavings of array deltas, indexed entries, parts and tool-call fragments', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const assembler = createOpenAiAssembler();
        for (const delta of deltas(c)) assembler.push({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] });
        assembler.push({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        const message = JSON.parse(JSON.stringify(assembler.finish(true, false).choices[0]!.message));
        const want = expected(c);
        // Unknown fields come in first-arrival order; compare them as a set of keys.
        expect(message).toEqual(want);
      }),
      { numRuns: 300, seed: 0x25_25 },
    );
  });
});
