import { depthLimitError, tooDeepAt } from '../assembly/json-depth.js';
import { jsonText } from '../assembly/json-text.js';
import type { ProviderName } from '../providers/provider-spec.js';
import type { Pipeline, PipelineOptions, PipelineSink } from './pipeline-types.js';

/**
 * A body that is one JSON object, the answer of a request made with `stream: false` (a
 * `chat.completion`, or Ollama's object, possibly pretty-printed), is already the final object:
 * it is accepted as it is, with one `done` event. Users meet this when they forget
 * `stream: true` or save a response from another tool.
 *
 * A body is taken for one when its first line is a `chat.completion` object, or when its first
 * line is not JSON on its own but the whole body is (a pretty-printed object; an Ollama object
 * on one line is already a valid one-line stream). Every other body
 * goes to the stream pipeline untouched; the first line is held back until it is complete,
 * which costs nothing since no line is decoded before its end. A pretty-printed object that is
 * not a final object (an `{"error": …}` answer) goes on as one compact line, so it gets the
 * stream pipeline's usual error.
 */
// One piece: feed and end share the decision state (the mode, the held first line and its size).
export function acceptNonStreamed(options: PipelineOptions, sink: PipelineSink, createStream: (options: PipelineOptions, sink: PipelineSink) => Pipeline): Pipeline {
  const stream = createStream(options, sink);
  const limit = options.maxEventSize ?? DEFAULT_LIMIT;
  let mode: 'deciding' | 'whole' | 'stream' = 'deciding';
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let lineEnded = false;
  let settled = false;

  const toStream = (pieces: Uint8Array[]) => {
    mode = 'stream';
    held = [];
    for (const piece of pieces) stream.feed(piece);
  };

  /** Chooses the mode once the first line is complete (or the body ended, or the line is too long). */
  const decide = (atEnd: boolean) => {
    const head = firstNonBlank(held);
    if (head === undefined) {
      if (atEnd) toStream(held);
      return;
    }
    if (held[head.piece]![head.index] !== OPEN_BRACE) return toStream(held);
    if (!lineEnded && !atEnd) {
      if (heldBytes > limit) toStream(held);
      return;
    }
    const text = decodeAll(held);
    const newline = text.indexOf('\n');
    const firstLine = newline < 0 ? text : text.slice(0, newline);
    const first = parseObject(firstLine);
    // A first line that is JSON on its own is an NDJSON line, unless it is a whole chat.completion.
    if (first === undefined || kindOf(first) === 'chat') mode = 'whole';
    else toStream(held);
  };

  const wholeEnd = () => {
    const text = decodeAll(held);
    const value = parseObject(text);
    const found = value === undefined ? undefined : kindOf(value);
    // A named provider the object does not belong to gets the stream pipeline's error, as any body of another provider does.
    const kind = found === undefined || options.provider === undefined || (found === 'ollama') === (options.provider === 'ollama') ? found : undefined;
    if (value === undefined || kind === undefined) {
      // Not a final object: the stream pipeline reports it as it reports any body.
      toStream(value !== undefined && 'error' in value ? [new TextEncoder().encode(`${jsonText(value)}\n`)] : held);
      stream.end();
      return;
    }
    const deep = tooDeepAt(text);
    if (deep !== -1) {
      settled = true;
      sink.error(depthLimitError(text, deep, { line: 1 }));
      return;
    }
    settled = true;
    const provider: ProviderName = options.provider ?? (kind === 'ollama' ? 'ollama' : 'openai');
    sink.event?.({ type: 'done', choice: 0, response: value, snapshot: () => value });
    sink.final(value, provider);
  };

  return {
    get provider() {
      return mode === 'stream' ? stream.provider : undefined;
    },
    contentType(value) {
      stream.contentType(value);
    },
    feed(piece) {
      if (settled) return;
      if (mode === 'stream') return stream.feed(piece);
      held.push(piece);
      heldBytes += piece.byteLength;
      if (mode === 'whole') {
        if (heldBytes > limit) toStream(held);
        return;
      }
      if (!lineEnded && piece.includes(NEWLINE)) lineEnded = true;
      decide(false);
    },
    end() {
      if (settled) return;
      if (mode === 'deciding') decide(true);
      if (mode === 'whole') wholeEnd();
      else stream.end();
    },
    fail(error) {
      if (settled) return;
      if (mode !== 'stream') toStream(held);
      stream.fail(error);
    },
    snapshot() {
      return mode === 'stream' ? stream.snapshot() : undefined;
    },
  };
}

const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;
const DEFAULT_LIMIT = 64 * 1024 * 1024;

/** What kind of non-streamed final object `value` is, if it is one. */
function kindOf(value: Record<string, unknown>): 'chat' | 'ollama' | undefined {
  if (value.object === 'chat.completion' && Array.isArray(value.choices)) return 'chat';
  if (value.done === true && typeof value.model === 'string' && ('message' in value || 'response' in value)) return 'ollama';
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The position of the first byte that is not a BOM byte or white space. */
function firstNonBlank(pieces: Uint8Array[]): { piece: number; index: number } | undefined {
  let at = 0;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    for (let i = 0; i < piece.byteLength; i++, at++) {
      const c = piece[i]!;
      if (at < 3 && (c === 0xef || c === 0xbb || c === 0xbf)) continue;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
      return { piece: p, index: i };
    }
  }
  return undefined;
}

function decodeAll(pieces: Uint8Array[]): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const piece of pieces) text += decoder.decode(piece, { stream: true });
  return text + decoder.decode();
}
