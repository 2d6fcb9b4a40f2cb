import { describe, expect, test } from 'vitest';
import { ArrayMerge, isWholeResend, mergeEntry } from '../../src/assembly/array-merge.js';
import { ContentParts } from '../../src/assembly/content-parts.js';
import { normalizeUsage } from '../../src/assembly/usage.js';

describe('ArrayMerge', () => {
  test('entries without index keep their arrival position; indexed ones are in index order among the positions they hold', () => {
    const m = new ArrayMerge();
    m.add(['a', { index: 2, text: 'x' }]);
    m.add([{ index: 0, text: 'y' }, 'b']);
    m.add([{ index: 2, text: 'z' }]);
    expect(m.toArray()).toEqual(['a', { index: 0, text: 'y' }, { index: 2, text: 'xz' }, 'b']);
  });

  test('a list taken before later entries and merges does not change', () => {
    const m = new ArrayMerge();
    m.add([{ index: 0, text: 'a' }]);
    const target: Record<string, unknown> = {};
    m.defineOn(target, 'list');
    const before = m.toArray();
    m.add([{ index: 0, text: 'b' }, { index: 1, text: 'c' }]);
    expect(target.list).toEqual([{ index: 0, text: 'a' }]);
    expect(before).toEqual([{ index: 0, text: 'a' }]);
    expect(m.toArray()).toEqual([{ index: 0, text: 'ab' }, { index: 1, text: 'c' }]);
  });

  test('mergeEntry: labels once, text concatenated, null not sent, other fields replaced; resends replace', () => {
    expect(mergeEntry({ type: 't', text: 'a', n: 1 }, { type: 'u', text: 'b', n: 2, extra: null })).toEqual({ type: 't', text: 'ab', n: 2 });
    expect(isWholeResend({ text: 'ab' }, { text: 'abc' })).toBe(true);
    expect(isWholeResend({ text: 'ab' }, { text: 'c' })).toBe(false);
    expect(isWholeResend({ text: '' }, { text: 'c' })).toBe(false);
    expect(mergeEntry({ text: 'ab' }, { text: 'abc' })).toEqual({ text: 'abc' });
  });
});

describe('ContentParts', () => {
  test('text only is a string; a thinking part between makes an array; empty text adds nothing', () => {
    const parts = new ContentParts();
    parts.add('a');
    parts.add([{ type: 'text', text: '' }, { type: 'text', text: 'b' }]);
    expect(parts.value()).toBe('ab');
    parts.add([{ type: 'thinking', thinking: [{ type: 'text', text: 't' }] }]);
    expect(parts.value('c')).toEqual([{ type: 'text', text: 'ab' }, { type: 'thinking', thinking: [{ type: 'text', text: 't' }] }, { type: 'text', text: 'c' }]);
    expect(parts.value()).toHaveLength(2);
  });
});

describe('normalizeUsage', () => {
  test('Responses-style names, a missing total summed, and what is unknown listed', () => {
    expect(normalizeUsage({ input_tokens: 5, output_tokens: 2, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 1 } })).toEqual({
      prompt_tokens: 5,
      completion_tokens: 2,
      total_tokens: 7,
      cached_prompt_tokens: 4,
      reasoning_tokens: 1,
      unknown: [],
    });
    expect(normalizeUsage({}).unknown).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens', 'cached_prompt_tokens', 'reasoning_tokens']);
  });
});
