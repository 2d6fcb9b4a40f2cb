import type { StreamEvent } from '../../assembly/events.js';
import type { Palette } from './colors.js';
import { createLogprobPainter, type LogprobPainter } from './logprob-colors.js';

export interface EventRenderer {
  event(event: StreamEvent): void;
  /** The stream ended (or failed): print what is pending and end the line. */
  end(): void;
}

type Kind = 'reasoning' | 'content' | 'refusal' | 'tool';

/** One thing being written: a choice's reasoning, content or refusal, or one tool call. */
interface Item {
  choice: number;
  kind: Kind;
  index: number;
  heading: string;
  paint: (text: string) => string;
  /** Text received but not printed yet (already painted). */
  pending: string[];
  /** Raw tool-call arguments, to tell when they form a whole JSON value. */
  args: string;
  started: boolean;
  done: boolean;
}

/**
 * Writes a response as it assembles: reasoning dimmed, content as it comes (coloured per token
 * with `logprobs`), refusals in red, each tool call as `name(arguments)` with the arguments
 * growing. One item is written at a time, in the order they began; an item that arrives while
 * another is still being written (parallel tool calls sent interleaved, a second choice) is
 * held and written once the first is complete, so the output reads like the final object.
 */
// One piece: the items, the one being written and those held back are one state that every
// event handler updates together.
export function createEventRenderer(write: (text: string) => void, palette: Palette, options: { logprobs?: boolean; streamText?: (text: string) => string } = {}): EventRenderer {
  // Text from the stream passes through this before it is painted (control characters shown or kept).
  const shown = options.streamText ?? ((text: string) => text);
  const items: Item[] = [];
  const byKey = new Map<string, Item>();
  let focus = 0; // items before this one are written and closed
  let atLineStart = true;
  let choiceShown = 0;
  const painter: LogprobPainter | undefined = options.logprobs ? createLogprobPainter(palette, shown) : undefined;

  const out = (text: string) => {
    if (text === '') return;
    write(text);
    atLineStart = text.endsWith('\n');
  };
  const newline = () => {
    if (!atLineStart) out('\n');
  };

  const itemFor = (choice: number, kind: Kind, index = 0, name?: string): Item => {
    const key = `${choice}:${kind}:${index}`;
    let item = byKey.get(key);
    if (!item) {
      const heading =
        kind === 'reasoning' ? palette.dim(palette.bold('thinking: ')) : kind === 'refusal' ? palette.bold(palette.red('refusal: ')) : kind === 'tool' ? palette.cyan(`⚙ ${name === undefined ? `tool call ${index}` : shown(name)}(`) : '';
      const paint = kind === 'reasoning' ? palette.dim : kind === 'refusal' ? palette.red : kind === 'tool' ? palette.cyan : (t: string) => t;
      item = { choice, kind, index, heading, paint, pending: [], args: '', started: false, done: false };
      byKey.set(key, item);
      items.push(item);
    }
    return item;
  };

  // Text for `item` arrived: the item being written is complete if it is text of the same
  // choice (reasoning, content and refusal never interleave) or a tool call whose arguments parse.
  const arrived = (item: Item) => {
    const current = items[focus];
    if (!current || current === item || current.done || current.choice !== item.choice) return;
    if (current.kind !== 'tool' || isWholeJson(current.args)) current.done = true;
  };

  const pump = () => {
    for (;;) {
      const item = items[focus];
      if (!item) return;
      if (!item.started) {
        if (item.choice !== choiceShown) {
          newline();
          out(`${palette.bold(`[choice ${item.choice}]`)}\n`);
          choiceShown = item.choice;
        }
        newline();
        out(item.heading);
        item.started = true;
      }
      for (const piece of item.pending) out(piece);
      item.pending.length = 0;
      if (!item.done) return;
      if (item.kind === 'tool') out(palette.cyan(')'));
      newline();
      if (item.kind === 'reasoning') out('\n');
      focus++;
    }
  };

  const add = (item: Item, text: string) => {
    arrived(item);
    if (text !== '') item.pending.push(item.paint(shown(text)));
    pump();
  };
  // --logprobs: content is painted per token once a chunk's tokens are in (content paints as itself).
  const flushPainted = () => {
    if (painter && byKey.has('0:content:0')) add(itemFor(0, 'content'), painter.flush());
  };

  const finishChoice = (choice: number) => {
    for (const item of items) if (item.choice === choice) item.done = true;
    pump();
  };

  return {
    event(event) {
      switch (event.type) {
        case 'reasoning.delta':
          add(itemFor(event.choice, 'reasoning'), event.delta);
          break;
        case 'content.delta': {
          const item = itemFor(event.choice, 'content');
          if (painter && event.choice === 0) {
            arrived(item);
            painter.content(event.delta);
          } else add(item, event.delta);
          break;
        }
        case 'logprobs.token':
          if (painter && event.choice === 0 && event.kind === 'content') painter.token(event.token);
          break;
        case 'refusal.delta':
          add(itemFor(event.choice, 'refusal'), event.delta);
          break;
        case 'tool_call.start':
          add(itemFor(event.choice, 'tool', event.index, event.name), '');
          break;
        case 'tool_call.arguments.delta': {
          const item = itemFor(event.choice, 'tool', event.index);
          item.args += event.delta;
          add(item, event.delta);
          break;
        }
        case 'tool_call.done':
          itemFor(event.choice, 'tool', event.index, event.name).done = true;
          pump();
          break;
        case 'chunk':
          flushPainted();
          break;
        case 'finish':
          if (event.choice === 0) flushPainted();
          finishChoice(event.choice);
          break;
        case 'done':
          // Legacy `function_call` has no events of its own: show it from the final object.
          for (const [choice, call] of legacyFunctionCalls(event.response)) {
            const item = itemFor(choice, 'tool', -1, call.name);
            add(item, call.arguments);
            item.done = true;
          }
          pump();
          break;
      }
    },
    end() {
      flushPainted();
      for (const item of items) item.done = true;
      pump();
      newline();
    },
  };
}

function legacyFunctionCalls(response: unknown): Array<[number, { name: string; arguments: string }]> {
  const choices = (response as { choices?: Array<{ index?: number; message?: { function_call?: { name: string; arguments: string } } }> })?.choices;
  if (!Array.isArray(choices)) return [];
  return choices.flatMap((c, i) => (c?.message?.function_call ? [[c.index ?? i, c.message.function_call] as [number, { name: string; arguments: string }]] : []));
}

function isWholeJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
