import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/assembly/events.js';
import { createPalette } from '../../src/node/cli/colors.js';
import { createLogprobPainter } from '../../src/node/cli/logprob-colors.js';
import { createEventRenderer } from '../../src/node/cli/render-events.js';

const plain = createPalette(false);
const snapshot = () => ({});
const ev = (event: Record<string, unknown>) => ({ choice: 0, snapshot, ...event }) as unknown as StreamEvent;

function render(events: StreamEvent[], options: { logprobs?: boolean } = {}): string {
  let out = '';
  const renderer = createEventRenderer((text) => (out += text), plain, options);
  for (const event of events) renderer.event(event);
  renderer.end();
  return out;
}

const start = (index: number, name: string) => ev({ type: 'tool_call.start', index, id: `call_${index}`, name });
const args = (index: number, delta: string) => ev({ type: 'tool_call.arguments.delta', index, delta, arguments: '', partial: undefined });

describe('the terminal renderer', () => {
  it('writes reasoning, then the answer after a blank line', () => {
    const out = render([
      ev({ type: 'reasoning.delta', field: 'reasoning_content', delta: 'Think', reasoning: 'Think' }),
      ev({ type: 'reasoning.delta', field: 'reasoning_content', delta: 'ing.', reasoning: 'Thinking.' }),
      ev({ type: 'content.delta', delta: 'Hello', content: 'Hello' }),
      ev({ type: 'finish', reason: 'stop' }),
    ]);
    expect(out).toBe('thinking: Thinking.\n\nHello\n');
  });

  it('writes sequential tool calls as they come', () => {
    const out = render([start(0, 'a'), args(0, '{"x"'), args(0, ':1}'), start(1, 'b'), args(1, '{}'), ev({ type: 'finish', reason: 'tool_calls' })]);
    expect(out).toBe('⚙ a({"x":1})\n⚙ b({})\n');
  });

  it('holds an interleaved tool call back until the one being written is whole', () => {
    const out = render([start(0, 'a'), start(1, 'b'), args(0, '{"x"'), args(1, '{"y"'), args(0, ':1}'), args(1, ':2}'), ev({ type: 'finish', reason: 'tool_calls' })]);
    expect(out).toBe('⚙ a({"x":1})\n⚙ b({"y":2})\n');
  });

  it('writes a second choice after the first finishes', () => {
    const out = render([
      ev({ type: 'content.delta', delta: 'A', content: 'A' }),
      ev({ type: 'content.delta', choice: 1, delta: 'B', content: 'B' }),
      ev({ type: 'content.delta', delta: 'a', content: 'Aa' }),
      ev({ type: 'finish', reason: 'stop' }),
      ev({ type: 'content.delta', choice: 1, delta: 'b', content: 'Bb' }),
    ]);
    expect(out).toBe('Aa\n[choice 1]\nBb\n');
  });

  it('shows a refusal and a legacy function call', () => {
    const refusal = render([ev({ type: 'refusal.delta', delta: 'No.', refusal: 'No.' })]);
    expect(refusal).toBe('refusal: No.\n');
    const legacy = render([ev({ type: 'done', response: { choices: [{ index: 0, message: { function_call: { name: 'f', arguments: '{}' } } }] } })]);
    expect(legacy).toBe('⚙ f({})\n');
  });
});

describe('the logprob painter', () => {
  it('paints each token by its probability and leaves text without a token plain', () => {
    const colour = createPalette(true);
    const painter = createLogprobPainter(colour);
    painter.content('Hi there');
    painter.token({ token: 'Hi', logprob: Math.log(0.95), bytes: null });
    painter.token({ token: ' th', logprob: Math.log(0.1), bytes: null });
    expect(painter.flush()).toBe(`${colour.green('Hi')}${colour.red(' th')}ere`);
    painter.content('!');
    expect(painter.flush()).toBe('!');
  });

  it('skips a token that does not match the text (a byte-level piece of a character)', () => {
    const painter = createLogprobPainter(plain);
    painter.content('👋');
    painter.token({ token: '\\xf0\\x9f', logprob: -1, bytes: [240, 159] });
    expect(painter.flush()).toBe('👋');
  });
});
