import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOllamaAssembler } from '../../src/providers/ollama/assembler.js';
import { jsonText, jsonTextWithoutRecursion } from '../../src/assembly/json-text.js';
import type { OllamaEvent } from '../../src/providers/ollama/types.js';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) value = { x: value };
  return value;
}

describe('jsonText', () => {
  it('writes what JSON.stringify writes, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonTextWithoutRecursion(value) === JSON.stringify(value)));
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonText(value) === JSON.stringify(value)));
  });

  it('leaves out undefined members and writes undefined array items as null, like JSON.stringify', () => {
    const value = { a: undefined, b: [undefined, 1], c: 'x' };
    expect(jsonTextWithoutRecursion(value)).toBe(JSON.stringify(value));
  });

  it('writes values nested deeper than JSON.stringify can go', () => {
    const depth = 100_000;
    expect(() => JSON.stringify(nested(depth))).toThrow(RangeError);
    expect(jsonText(nested(depth))).toBe(`${'{"x":'.repeat(depth)}{}${'}'.repeat(depth)}`);
  });

  it('lets the tool-call events carry arguments nested 10,000 levels deep', () => {
    const events: OllamaEvent[] = [];
    const assembler = createOllamaAssembler({ onEvent: (e) => events.push(e) });
    const args = nested(10_000);
    assembler.push({ model: 'm', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'deep', arguments: args } }] }, done: true });
    const done = events.find((e) => e.type === 'tool_call.done') as Extract<OllamaEvent, { type: 'tool_call.done' }>;
    expect(done.parsed).toBe(args);
    expect(done.arguments).toBe(`${'{"x":'.repeat(10_000)}{}${'}'.repeat(10_000)}`);
  });
});
