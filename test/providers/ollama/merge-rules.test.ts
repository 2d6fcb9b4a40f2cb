/**
 * Merge rules 10-12 on Ollama's native API (README "Merge rules"). Constructed lines in the
 * documented `/api/chat` shape (Go's ChatResponse), not recorded.
 */
import { describe, expect, test } from 'vitest';
import { createOllamaAssembler } from '../../../src/providers/ollama/assembler.js';
import type { OllamaEvent } from '../../../src/providers/ollama/types.js';

const line = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', message, done: false, ...extra });

describe('rule 10: an empty string never replaces a value already known', () => {
  test('a last line with role "", model "" and an empty unknown field leaves what came before', () => {
    const events: OllamaEvent[] = [];
    const assembler = createOllamaAssembler({ onEvent: (e) => events.push(e) });
    assembler.push(line({ role: 'assistant', content: 'Hi' }, { note: 'kept' }));
    assembler.push(line({ role: '', content: '!' }, { model: '' }));
    assembler.push({ model: '', created_at: '', message: { role: '', content: '' }, done: true, done_reason: 'stop', note: '', prompt_eval_count: 4, eval_count: 2, prompt_eval_cached_count: 3 });
    const final = assembler.finish(false, false) as Record<string, any>;
    expect(final).toMatchObject({ model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: 'Hi!' }, done: true, done_reason: 'stop', note: 'kept' });
    // rule 11: Ollama's counts in the usage event, with its cached prompt tokens.
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ normalized: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, cached_prompt_tokens: 3, reasoning_tokens: null, unknown: ['reasoning_tokens'] } });
  });

  test('rule 12: content that was only "" stays "", as Ollama’s non-streamed reply writes it', () => {
    const assembler = createOllamaAssembler();
    assembler.push(line({ role: 'assistant', content: '' }));
    assembler.push({ model: 'llama3.2', created_at: 't', message: { role: 'assistant', content: '' }, done: true });
    expect((assembler.finish(false, false) as any).message.content).toBe('');
  });
});
