import { describe, expect, it } from 'vitest';
import { appendText, createTextGrowth, type TextGrowth } from '../../src/assembly/growing-text.js';
import { createLineRecord, readLine } from '../../src/providers/ollama/read-line.js';
import { applyLine, createOllamaState } from '../../src/providers/ollama/state.js';
import { applyMessageField } from '../../src/providers/openai/message-fields.js';
import { createToolCallSlots } from '../../src/providers/openai/tool-call-slots.js';
import { applyToolCallFragment } from '../../src/providers/openai/tool-calls.js';

describe('appendText', () => {
  it('builds the concatenation, each character copied at most once, the fragments flattened in segments', () => {
    const growth = createTextGrowth();
    const pieces = Array.from({ length: 300_000 }, (_, i) => (i % 7 === 0 ? ' é' : `w${i % 100}`));
    let text = '';
    let segments = 0;
    let expected = '';
    for (let i = 0; i < pieces.length; i++) {
      const before = growth.copied;
      text = appendText(growth, pieces[i]!);
      if (growth.copied !== before) segments++;
      // Every prefix is right, not only the final text (checked on a sample: the check itself is O(n)).
      if (i % 9973 === 0) {
        expected = pieces.slice(0, i + 1).join('');
        expect(text).toBe(expected);
      }
    }
    expect(text).toBe(pieces.join(''));
    expect(growth.copied).toBeLessThanOrEqual(text.length);
    // The open tail holds fewer than one segment's fragments.
    expect(growth.pieces).toBeLessThan(pieces.length / segments);
    expect(segments).toBeGreaterThan(100);
  });

  it('starts from an initial text', () => {
    const growth = createTextGrowth('The user');
    expect(appendText(growth, ' asks')).toBe('The user asks');
  });
});

describe('the long texts of a stream are grown with appendText', () => {
  const fragments = Array.from({ length: 12_000 }, (_, i) => `f${i % 10},`);

  it('tool-call arguments', () => {
    const slots = createToolCallSlots();
    for (const f of fragments) applyToolCallFragment(slots, { index: 0, function: { arguments: f } }, 0, undefined);
    const slot = slots.list[0]!;
    expect(slot.arguments).toBe(fragments.join(''));
    expect(slot.argumentsGrowth.copied).toBeGreaterThan(0);
  });

  it('reasoning and other string fields of the delta', () => {
    const fields: Record<string, unknown> = {};
    const growth = new Map<string, TextGrowth>();
    for (const f of fragments) applyMessageField(fields, 'reasoning_content', f, 0, undefined, growth);
    expect(fields.reasoning_content).toBe(fragments.join(''));
    expect(growth.get('reasoning_content')!.copied).toBeGreaterThan(0);
  });

  it("Ollama's thinking", () => {
    const state = createOllamaState();
    const record = createLineRecord();
    for (const f of fragments) {
      const line = { model: 'm', created_at: 't', message: { role: 'assistant', content: '', thinking: f }, done: false };
      readLine(line, record, undefined);
      applyLine(state, record, line);
    }
    expect(state.thinking).toBe(fragments.join(''));
    expect(state.thinkingGrowth.copied).toBeGreaterThan(0);
  });
});

describe('a message field that changes type', () => {
  it('starts its text afresh after a non-string value, whatever the lengths', () => {
    const fields: Record<string, unknown> = {};
    const growth = new Map<string, TextGrowth>();
    for (const f of ['a', 'b']) applyMessageField(fields, 'x', f, 0, undefined, growth);
    applyMessageField(fields, 'x', { kind: 'object' }, 0, undefined, growth);
    applyMessageField(fields, 'x', 'c', 0, undefined, growth);
    applyMessageField(fields, 'x', 'd', 0, undefined, growth);
    applyMessageField(fields, 'x', 'e', 0, undefined, growth);
    expect(fields.x).toBe('cde');
  });
});
