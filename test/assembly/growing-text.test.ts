import { describe, expect, it } from 'vitest';
import { appendText, createTextGrowth } from '../../src/assembly/growing-text.js';

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
