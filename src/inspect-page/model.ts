/**
 * What the inspect page knows about one stream, built as its bytes arrive. The bytes are cut
 * at message boundaries (`messageEnds`) and each message is fed to chunkwise's own pipeline
 * (`createPipeline`), so every public event is tied to the bytes and the time it came from.
 * Nothing here decodes the wire format itself: that is the library's job.
 *
 * Only public API is imported (`../index.js`): the page is a user of the browser build.
 */
import {
  createPipeline,
  nextTypingPhase,
  type ProviderName,
  type ChunkwiseError,
  type Pipeline,
  type RecordingEnd,
  type RecordingMeta,
  type RecordingPiece,
  type StreamEvent,
  type TypingPhase,
} from '../index.js';
// Message framing and the provider list are not public API (yet); the page uses the same modules.
import { bodyFormat, messageEnds } from '../replay/message-boundaries.js';
import { PROVIDER_NAMES } from '../providers/registry.js';
import type { TransportName as BodyFormat } from '../index.js';

/** One SSE event or NDJSON line of the body, and the events it produced. */
export interface InspectedMessage {
  start: number;
  end: number;
  /** ms after the request started when its last byte arrived. */
  at: number;
  /** `comment`: only `:` lines (keep-alives); `done`: `data: [DONE]`. */
  kind: 'data' | 'comment' | 'done';
  /** Indexes into `events`: [firstEvent, firstEvent + eventCount). */
  firstEvent: number;
  eventCount: number;
}

/** A public event, kept small: the fields the page shows, without the snapshot getter. */
export interface InspectedEvent {
  type: StreamEvent['type'];
  choice: number;
  at: number;
  /** Index of the message it came from (-1: from the end of the body). */
  message: number;
  /** The fields worth showing (delta, name, reason, …), plain JSON. */
  fields: Record<string, unknown>;
}

export interface InspectedToken {
  /** The text it adds (a token that ends inside a UTF-8 character adds it with the next one). */
  text: string;
  /** The token as the server named it, when that differs from `text` (`bytes:\xf0\x9f`). */
  wire?: string;
  /** Index of the event that carried it. */
  event: number;
  logprob?: number;
  top?: Array<{ token: string; logprob: number }>;
}

export interface InspectedToolCall {
  index: number;
  id: string | undefined;
  name: string;
  arguments: string;
  /** The incremental parser's partial value after each fragment (JSON text; undefined before anything parsed). */
  steps: Array<{ event: number; arguments: string; partial: string | undefined }>;
  /** Set once `tool_call.done` came. */
  done?: { event: number; parsed: unknown; error?: string };
}

export interface InspectedChoice {
  index: number;
  reasoning: InspectedToken[];
  content: InspectedToken[];
  refusal: InspectedToken[];
  /** Content tokens with their logprobs, when the server sent them. */
  logprobs: InspectedToken[];
  tools: InspectedToolCall[];
  finish?: { reason: string | null; event: number };
}

export interface InspectedError {
  name: string;
  code: string;
  message: string;
  at: number;
  /** Byte offset where it happened (the failing message, else the end of what arrived). */
  offset: number;
  /** The response assembled before the failure. */
  partial: unknown;
}

export interface PhaseChange {
  at: number;
  /** The message that brought it (the number of messages for the end). */
  message: number;
  phase: TypingPhase;
}

export interface Inspection {
  id: string;
  label: string;
  meta: RecordingMeta;
  format: BodyFormat | undefined;
  provider: string | undefined;
  /** The body so far: `bytes.subarray(0, length)`. */
  readonly body: Uint8Array;
  pieces: RecordingPiece[];
  messages: InspectedMessage[];
  events: InspectedEvent[];
  choices: InspectedChoice[];
  phases: PhaseChange[];
  /** Every token event (content, reasoning, refusal, tool arguments) in order: its time. */
  tokenTimes: number[];
  final?: unknown;
  error?: InspectedError;
  end?: RecordingEnd;
  /** Whether the pieces carry real arrival times (a sidecar or a live capture). */
  timed: boolean;
  firstByteAt?: number;
  firstTokenAt?: number;
  /** Grows on every change, so views redraw only when needed. */
  version: number;
  feed(piece: Uint8Array, at: number): void;
  finish(end?: RecordingEnd): void;
}

const LF = 0x0a;
const CR = 0x0d;
const TOOL_STEP_LIMIT = 64 * 1024;

// One piece: a closure over one stream's state (bytes, pending offset, clock, phase), as the decoders are.
/** An inspection of one stream; feed it pieces as they arrive, then `finish()`. */
export function createInspection(id: string, meta: RecordingMeta = {}, options: { label?: string; timed?: boolean } = {}): Inspection {
  let bytes = new Uint8Array(1024);
  let length = 0;
  /** Where the first message not yet fed to the pipeline starts. */
  let pending = 0;
  let currentAt = 0;
  let currentMessage = -1;
  let phase: TypingPhase = { phase: 'waiting' };
  const toolNames = new Map<number, string>();
  const decoder = new TextDecoder();
  /** Per choice: a token's `bytes` may end inside a character, finished by the next token's. */
  const tokenDecoders = new Map<number, TextDecoder>();

  const inspection: Inspection = {
    id,
    label: options.label ?? meta.endpoint ?? id,
    meta,
    format: undefined,
    provider: meta.provider,
    get body() {
      return bytes.subarray(0, length);
    },
    pieces: [],
    messages: [],
    events: [],
    choices: [],
    phases: [{ at: 0, message: 0, phase }],
    tokenTimes: [],
    timed: options.timed ?? true,
    version: 0,
    feed,
    finish,
  };

  let pipeline: Pipeline | undefined;
  const startPipeline = () => {
    inspection.format = bodyFormat({ body: inspection.body, meta });
    pipeline = createPipeline(
      { partialArguments: true, ...(knownProvider(meta.provider) ? { provider: meta.provider } : {}) },
      {
        event: onEvent,
        final(response, provider) {
          inspection.final = response;
          inspection.provider = provider;
        },
        error: onError,
      },
    );
    pipeline.contentType(meta.contentType ?? meta.headers?.['content-type'] ?? null);
  };

  const choiceOf = (index: number): InspectedChoice => {
    let choice = inspection.choices[index];
    if (!choice) {
      for (let i = inspection.choices.length; i <= index; i++) inspection.choices[i] = { index: i, reasoning: [], content: [], refusal: [], logprobs: [], tools: [] };
      choice = inspection.choices[index]!;
    }
    return choice;
  };

  const toolOf = (choice: InspectedChoice, index: number, id?: string, name?: string): InspectedToolCall => {
    let tool = choice.tools.find((t) => t.index === index);
    if (!tool) {
      tool = { index, id, name: name ?? toolNames.get(index) ?? '', arguments: '', steps: [] };
      choice.tools.push(tool);
    }
    return tool;
  };

  // One piece: one case per public event type, each a few lines.
  function onEvent(event: StreamEvent) {
    const n = inspection.events.length;
    const record: InspectedEvent = { type: event.type, choice: event.choice, at: currentAt, message: currentMessage, fields: {} };
    inspection.events.push(record);
    if (currentMessage >= 0) inspection.messages[currentMessage]!.eventCount++;
    const choice = event.type === 'chunk' || event.type === 'done' ? undefined : choiceOf(event.choice);
    switch (event.type) {
      case 'chunk':
        break;
      case 'content.delta':
        record.fields = { delta: event.delta };
        if (event.delta) choice!.content.push({ text: event.delta, event: n });
        break;
      case 'reasoning.delta':
        record.fields = { field: event.field, delta: event.delta };
        if (event.delta) choice!.reasoning.push({ text: event.delta, event: n });
        break;
      case 'refusal.delta':
        record.fields = { delta: event.delta };
        if (event.delta) choice!.refusal.push({ text: event.delta, event: n });
        break;
      case 'content.done':
        record.fields = { length: event.content.length };
        break;
      case 'refusal.done':
        record.fields = { length: event.refusal.length };
        break;
      case 'reasoning.done':
        record.fields = { field: event.field, length: event.reasoning.length };
        break;
      case 'content.partial':
        record.fields = { openPath: [...event.openPath] };
        break;
      case 'logprobs.token': {
        const { token, logprob, top_logprobs } = event.token;
        record.fields = { kind: event.kind, position: event.position, token, logprob };
        if (event.kind === 'content') {
          const text = tokenText(event.choice, token, event.token.bytes);
          choice!.logprobs.push({ text, ...(text === token ? {} : { wire: token }), event: n, logprob, top: (top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob })) });
        }
        break;
      }
      case 'tool_call.start': {
        record.fields = { index: event.index, id: event.id, name: event.name };
        if (event.choice === 0) toolNames.set(event.index, event.name);
        const tool = toolOf(choice!, event.index, event.id, event.name);
        tool.id ??= event.id;
        tool.name = event.name;
        break;
      }
      case 'tool_call.arguments.delta': {
        record.fields = { index: event.index, delta: event.delta };
        const tool = toolOf(choice!, event.index);
        tool.arguments = event.arguments;
        // Huge arguments would make every step a copy of all of them; past the limit only the text grows.
        const partial = event.arguments.length <= TOOL_STEP_LIMIT ? event.partial : undefined;
        tool.steps.push({ event: n, arguments: event.arguments, partial: partial === undefined ? undefined : JSON.stringify(partial) });
        break;
      }
      case 'tool_call.done': {
        record.fields = { index: event.index, id: event.id, name: event.name, ...(event.error ? { error: event.error.message } : {}) };
        const tool = toolOf(choice!, event.index, event.id, event.name);
        tool.arguments = event.arguments;
        tool.name = event.name;
        tool.id ??= event.id;
        tool.done = { event: n, parsed: event.parsed, ...(event.error ? { error: event.error.message } : {}) };
        break;
      }
      case 'usage':
        record.fields = { ...event.usage };
        break;
      case 'finish':
        record.fields = { reason: event.reason };
        choice!.finish = { reason: event.reason, event: n };
        break;
      case 'done':
        break;
    }
    if (isToken(event)) {
      inspection.tokenTimes.push(currentAt);
      inspection.firstTokenAt ??= currentAt;
    }
    const next = nextTypingPhase(phase, event, { toolNames });
    if (!samePhase(next, phase)) {
      phase = next;
      inspection.phases.push({ at: currentAt, message: messageNow(), phase });
    }
  }

  function tokenText(choiceIndex: number, token: string, bytes: number[] | null | undefined): string {
    if (!bytes?.length) return token;
    let tokenDecoder = tokenDecoders.get(choiceIndex);
    if (!tokenDecoder) tokenDecoders.set(choiceIndex, (tokenDecoder = new TextDecoder()));
    return tokenDecoder.decode(Uint8Array.from(bytes), { stream: true });
  }

  const messageNow = () => (currentMessage >= 0 ? currentMessage : inspection.messages.length);

  function onError(error: ChunkwiseError) {
    const message = currentMessage >= 0 ? inspection.messages[currentMessage] : undefined;
    inspection.error = {
      name: error.name,
      code: error.code,
      message: error.message,
      at: currentAt,
      offset: error.offset ?? message?.start ?? length,
      partial: error.partial,
    };
    phase = { phase: 'failed', error: inspection.error };
    inspection.phases.push({ at: currentAt, message: messageNow(), phase });
  }

  function append(piece: Uint8Array) {
    if (length + piece.length > bytes.length) {
      let size = bytes.length * 2;
      while (size < length + piece.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(bytes.subarray(0, length));
      bytes = grown;
    }
    bytes.set(piece, length);
    length += piece.length;
  }

  function feed(piece: Uint8Array, at: number) {
    if (piece.length === 0) return;
    inspection.pieces.push({ offset: length, length: piece.length, at });
    inspection.firstByteAt ??= at;
    append(piece);
    currentAt = at;
    inspection.format ??= bodyFormat({ body: inspection.body, meta });
    const tail = bytes.subarray(pending, length);
    const ends = messageEnds(tail, inspection.format);
    // The last message may still be open, unless the piece ended on a message terminator.
    if (ends.length && ends[ends.length - 1] === tail.length && !endsMessage(tail, inspection.format)) ends.pop();
    const base = pending;
    for (const end of ends) takeMessage(base + end);
    inspection.version++;
  }

  function takeMessage(end: number) {
    const start = pending;
    pending = end;
    if (!pipeline) startPipeline();
    const kind = kindOf(bytes.subarray(start, end), inspection.format!);
    inspection.messages.push({ start, end, at: currentAt, kind, firstEvent: inspection.events.length, eventCount: 0 });
    currentMessage = inspection.messages.length - 1;
    pipeline!.feed(bytes.slice(start, end));
  }

  function finish(end?: RecordingEnd) {
    if (inspection.end) return;
    if (end) currentAt = Math.max(currentAt, end.at);
    if (pending < length) takeMessage(length);
    if (!pipeline) startPipeline();
    currentMessage = -1;
    if (end?.outcome === 'error' || end?.outcome === 'cancelled') pipeline!.fail(new Error(end.error ?? `the stream was ${end.outcome}`));
    else pipeline!.end();
    inspection.end = end ?? { at: currentAt, outcome: inspection.error ? 'error' : 'complete' };
    if (!inspection.error) inspection.phases.push({ at: currentAt, message: inspection.messages.length, phase: { phase: 'done' } });
    inspection.version++;
  }

  function kindOf(message: Uint8Array, format: BodyFormat): InspectedMessage['kind'] {
    if (format === 'ndjson') return 'data';
    const text = decoder.decode(message.length > 64 ? message.subarray(0, 64) : message);
    const lines = text.split(/\r\n|\r|\n/).filter((l) => l !== '');
    if (lines.length && lines.every((l) => l.startsWith(':'))) return 'comment';
    if (/^data: ?\[DONE\]\s*$/.test(text.trim())) return 'done';
    return 'data';
  }

  return inspection;
}

function endsMessage(tail: Uint8Array, format: BodyFormat): boolean {
  const n = tail.length;
  if (format === 'ndjson') return tail[n - 1] === LF || tail[n - 1] === CR;
  const a = tail[n - 1];
  const b = tail[n - 2];
  if (a === LF && (b === LF || (b === CR && tail[n - 3] === LF) || (b === CR && tail[n - 3] === CR))) return true;
  return a === CR && b === CR;
}

function knownProvider(name: string | undefined): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name ?? '');
}

function isToken(event: StreamEvent): boolean {
  switch (event.type) {
    case 'content.delta':
    case 'reasoning.delta':
    case 'refusal.delta':
    case 'tool_call.arguments.delta':
      return event.delta !== '';
    default:
      return false;
  }
}

function samePhase(a: TypingPhase, b: TypingPhase): boolean {
  return a.phase === b.phase && (a.phase !== 'tool' || (b.phase === 'tool' && a.index === b.index && a.name === b.name));
}

/** The message an error's byte offset falls in; an error at the very end belongs to the last message. */
export function errorMessage(inspection: Inspection): number {
  const error = inspection.error;
  if (!error) return -1;
  const messages = inspection.messages;
  const i = messages.findIndex((m) => error.offset >= m.start && error.offset < m.end);
  return i >= 0 ? i : messages.length && error.offset >= messages.at(-1)!.end ? messages.length - 1 : -1;
}

/** Content tokens as the page colours them: the logprob tokens when the server sent them, else the deltas. */
export function displayTokens(choice: InspectedChoice): { tokens: InspectedToken[]; withLogprobs: boolean } {
  if (choice.logprobs.length) return { tokens: choice.logprobs, withLogprobs: true };
  return { tokens: choice.content, withLogprobs: false };
}

/**
 * Gaps between consecutive token arrivals (ms), and stalls: silences longer than
 * `max(minStallMs, 8 × the median gap)` between any two messages.
 */
export interface TimingStats {
  gaps: Float64Array;
  stalls: Array<{ from: number; to: number }>;
  medianGap: number;
}

// The page asks for these several times a frame; on a long stream each pass sorts every gap.
const statsCache = new WeakMap<Inspection, { version: number; minStallMs: number; stats: TimingStats }>();

export function timingStats(inspection: Inspection, minStallMs = 1000): TimingStats {
  const cached = statsCache.get(inspection);
  if (cached && cached.version === inspection.version && cached.minStallMs === minStallMs) return cached.stats;
  const stats = computeTimingStats(inspection, minStallMs);
  statsCache.set(inspection, { version: inspection.version, minStallMs, stats });
  return stats;
}

function computeTimingStats(inspection: Inspection, minStallMs: number): TimingStats {
  const times = inspection.tokenTimes;
  const gaps = new Float64Array(Math.max(0, times.length - 1));
  for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i]! - times[i - 1]!;
  const positive = Array.from(gaps).filter((g) => g > 0).sort((a, b) => a - b);
  const medianGap = positive.length ? positive[positive.length >> 1]! : 0;
  const threshold = Math.max(minStallMs, 8 * medianGap);
  const stalls: Array<{ from: number; to: number }> = [];
  const messages = inspection.messages;
  let last = inspection.firstByteAt;
  for (const message of messages) {
    if (last !== undefined && message.at - last >= threshold) stalls.push({ from: last, to: message.at });
    last = message.at;
  }
  return { gaps, stalls, medianGap };
}

/** How the event changes the final object, in words: `content += "Hel"`. */
export function effectOf(event: InspectedEvent): string {
  const f = event.fields;
  const at = event.type === 'chunk' || event.type === 'done' ? '' : `choice ${event.choice}: `;
  switch (event.type) {
    case 'content.delta':
      return `${at}content += ${JSON.stringify(f.delta)}`;
    case 'reasoning.delta':
      return `${at}${String(f.field)} += ${JSON.stringify(f.delta)}`;
    case 'refusal.delta':
      return `${at}refusal += ${JSON.stringify(f.delta)}`;
    case 'tool_call.start':
      return `${at}tool_calls[${String(f.index)}] = ${String(f.name)}(…)${f.id ? ` id ${String(f.id)}` : ''}`;
    case 'tool_call.arguments.delta':
      return `${at}tool_calls[${String(f.index)}].arguments += ${JSON.stringify(f.delta)}`;
    case 'tool_call.done':
      return `${at}tool_calls[${String(f.index)}] complete${f.error ? `: ${String(f.error)}` : ', arguments parsed'}`;
    case 'logprobs.token':
      return `${at}logprobs.${String(f.kind)}[${String(f.position)}] = ${JSON.stringify(f.token)} (p = ${(Math.exp(Number(f.logprob)) * 100).toFixed(1)}%)`;
    case 'usage':
      return `usage = ${JSON.stringify(f)}`;
    case 'finish':
      return `${at}finish_reason = ${JSON.stringify(f.reason)}`;
    case 'done':
      return 'the final object is complete';
    case 'chunk':
      return 'a chunk (its fields merge into the response)';
    default:
      return `${at}${event.type}`;
  }
}
