import { describe, expect, it } from 'vitest';
import { appendText, createTextGrowth, type TextGrowth } from '../../src/assembly/growing-text.js';
import { createLineRecord, readLine } from '../../src/providers/ollama/read-line.js';
import { applyLine, createOllamaState } from '../../src/providers/ollama/state.js';
import { applyMessageField } from '../../src/providers/openai/message-fields.js';
import { createToolCallSlots } from '../../src/providers/openai/tool-call-slots.js';
import { applyToolCallFragment } from '../../src/providers/openai/tool-calls.js';

describe('appendText', () => {
  it('builds the concatenation, flattening now and then with linear copying in all', () => {
    const growth = createTextGrowth();
    const pieces = Array.from({ length: 300_000 }, (_, i) => (i % 7 === 0 ? ' é' : `w${i % 100}`));
    let text = '';
    let flattenings = 0;
    let copied = 0;
    for (const piece of pieces) {
      const before = growth.flatLength;
      text = appendText(growth, text, piece);
      if (growth.flatLength !== before) {
        flattenings++;
        copied += growth.flatLength;
      }
    }
    expect(text).toBe(pieces.join(''));
    expect(flattenings).toBeGreaterThan(5);
    // At most 16 copies of the final text (plus the 4096-fragment minimum at the start).
    expect(copied).toBeLessThanOrEqual(17 * text.length);
  });
});

describe('the long texts of a stream are grown with appendText', () => {
  const fragments = Array.from({ length: 12_000 }, (_, i) => `f${i % 10},`);

  it('tool-call arguments', () => {
    const slots = createToolCallSlots();
    for (const f of fragments) applyToolCallFragment(slots, { index: 0, function: { arguments: f } }, 0, undefined);
    const slot = slots.list[0]!;
    expect(slot.arguments).toBe(fragments.join(''));
    expect(slot.argumentsGrowth.flatLength).toBeGreaterThan(0);
  });

  it('reasoning and other string fields of the delta', () => {
    const fields: Record<string, unknown> = {};
    const growth = new Map<string, TextGrowth>();
    for (const f of fragments) applyMessageField(fields, 'reasoning_content', f, 0, undefined, growth);
    expect(fields.reasoning_content).toBe(fragments.join(''));
    expect(growth.get('reasoning_content')!.flatLength).toBeGreaterThan(0);
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
    expect(state.thinkingGrowth.flatLength).toBeGreaterThan(0);
  });
});
