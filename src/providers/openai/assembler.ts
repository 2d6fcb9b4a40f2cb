/**
 * The chat-completions reducer: parsed `data:` payloads of an OpenAI, Groq or other
 * OpenAI-compatible stream in, the `ChatCompletion` that `stream: false` returns out.
 *
 * Top level: `id`, `created`, `model`, `system_fingerprint` (`null` when absent) and
 * `service_tier` (when sent, `""` when only that came) keep their last real value: `""` and `created: 0` (Azure's
 * content-filter chunks) never overwrite one (merge rule 6); `object` is
 * `"chat.completion"`; `usage` is the last usage object (the `include_usage` chunk, or one
 * riding on a chunk that still has choices, as OpenRouter does), else Groq's `x_groq.usage`,
 * and is absent when none came (`usage: null` on ordinary chunks is ignored); `x_groq` is
 * kept, merged over the chunks; unknown fields (OpenRouter `provider`) keep their last
 * non-null value; `obfuscation` and the chunk's `object` are dropped. Choices are assembled
 * by `index` (choice.ts) and sorted by it (kept in a map, sorted when a snapshot needs it: choices
 * in any order cost linear time).
 *
 * An `error` object on a chunk that still has choices (merge rule 3: proxies send it inside an
 * ordinary chunk, with usage, before `[DONE]`) ends the stream: the chunk is applied, then a
 * ProviderError carrying the provider's code and message and the partial response is thrown,
 * whether the choices had finished or not.
 *
 * Events (only built when `onEvent` is set): a chunk's field events come in the order of its
 * choices and fields, then its `chunk` event, so a `chunk` handler's `snapshot()` includes it.
 * A choice's `*.done` events and `finish` come when it gets its finish_reason, else at
 * `finish()`. `chunk` carries the index of the chunk's first choice, `usage` choice 0. The
 * `partial` of `tool_call.arguments.delta` / `content.partial` is the incremental parser's
 * live value: read it during the event (later fragments grow it in place). The arguments' one is
 * a getter, parsed on first read (tool-calls.ts).
 */
import { ASSEMBLER_OPTIONS, checkOptions } from '../../assembly/check-options.js';
import type { Assembler, AssemblerOptions } from '../../assembly/assembler.js';
import { countKeys } from '../../assembly/count-keys.js';
import { keepUnknownFields, setOwnField } from '../../assembly/own-field.js';
import { normalizeUsage } from '../../assembly/usage.js';
import { ChunkwiseError, ProviderError, TruncatedStreamError } from '../../errors.js';
import { providerErrorFrom } from '../../transports/provider-error.js';
import { applyChoice, choiceSnapshot, createChoice, finishChoice, type ChoiceState } from './choice.js';
import type { EventSink } from './event-sink.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionSnapshot, UsageInfo } from './types.js';
import { assertChatCompletionChunk, type ChunkPosition } from './validate-chunk.js';

export type OpenAiAssembler = Assembler<ChatCompletionChunk, ChatCompletionSnapshot, ChatCompletion>;
export type OpenAiAssemblerOptions = AssemblerOptions<ChatCompletionSnapshot, ChatCompletionChunk>;

/**
 * Creates the reducer for one chat-completions stream.
 *
 * @example
 * ```ts
 * const assembler = createOpenAiAssembler({ onEvent: (e) => e.type === 'content.delta' && write(e.delta) });
 * for (const data of sseDataPayloads) assembler.push(JSON.parse(data));
 * const completion = assembler.finish(true, false);
 * completion.choices[0].message.content;
 * ```
 */
// One piece: the reducer's state is this closure's, read by push() on every chunk (the hot path);
// the work per field is in choice.ts, tool-calls.ts, logprobs.ts and message-fields.ts.
export function createOpenAiAssembler(options: OpenAiAssemblerOptions = {}): OpenAiAssembler {
  checkOptions('createOpenAiAssembler', options, ASSEMBLER_OPTIONS);
  let id = '';
  let created = 0;
  let model = '';
  let fingerprint: string | null = null;
  let serviceTier: string | undefined;
  let usage: UsageInfo | undefined;
  let usageFromTop = false;
  let xGroq: Record<string, unknown> | undefined;
  let extras: Record<string, unknown> | undefined;
  /** In arrival order; sorted by index when `sorted` is false and a snapshot needs them. */
  const choices: ChoiceState[] = [];
  const byIndex = new Map<number, ChoiceState>();
  let sorted = true;
  let lastChoice: ChoiceState | undefined;
  /** The `error` of the chunk being applied, when it had one beside choices (rule 3). */
  let chunkError: unknown;
  let unfinished = 0;
  let chunks = 0;

  const sortChoices = () => {
    if (sorted) return;
    choices.sort((a, b) => a.index - b.index);
    sorted = true;
  };

  const build = (final: boolean): ChatCompletion => {
    sortChoices();
    const list = new Array<ChatCompletion['choices'][number]>(choices.length);
    for (let i = 0; i < choices.length; i++) list[i] = choiceSnapshot(choices[i]!, final);
    // Key order of the `stream: false` object: id, object, created, model, choices, usage,
    // system_fingerprint, service_tier, then unknown fields.
    const out = { id, object: 'chat.completion', created, model, choices: list } as ChatCompletion;
    if (usage !== undefined) out.usage = usage;
    out.system_fingerprint = fingerprint;
    if (serviceTier !== undefined) out.service_tier = serviceTier;
    if (extras !== undefined) for (const key in extras) setOwnField(out as unknown as Record<string, unknown>, key, extras[key]);
    if (xGroq !== undefined) out.x_groq = xGroq;
    return out;
  };
  const snapshot = (): ChatCompletionSnapshot => build(false);

  const onEvent = options.onEvent;
  const sink: EventSink | undefined = onEvent && {
    emit: onEvent,
    snapshot,
    partialArguments: options.partialArguments ?? true,
    partialContent: options.partialContent ?? false,
  };

  const choiceFor = (index: number): ChoiceState => {
    if (lastChoice !== undefined && lastChoice.index === index) return lastChoice;
    let state = byIndex.get(index);
    if (state === undefined) {
      state = createChoice(index);
      if (choices.length > 0 && choices[choices.length - 1]!.index > index) sorted = false;
      choices.push(state);
      byIndex.set(index, state);
      unfinished++;
    }
    return (lastChoice = state);
  };

  const setUsage = (value: UsageInfo, fromTop: boolean) => {
    usage = value;
    usageFromTop = fromTop;
    if (sink !== undefined) sink.emit({ type: 'usage', choice: 0, snapshot, usage: value, normalized: normalizeUsage(value, fromTop ? xGroq?.usage as UsageInfo | undefined : undefined) });
  };

  const applyTopLevel = (chunk: ChatCompletionChunk) => {
    // The known fields by name (inline-cached loads), counted; a `for…in` that only counts then
    // says whether there are others. (A `for…in` with a `switch` over every key of the envelope
    // does a string comparison per key per chunk, a visible share of the assembler's time on text.)
    const c = chunk as Record<string, unknown>;
    const chunkId = c.id;
    const chunkCreated = c.created;
    const chunkModel = c.model;
    const chunkFingerprint = c.system_fingerprint;
    const chunkTier = c.service_tier;
    let known = 0;
    if (chunkId !== undefined) {
      known++;
      if (typeof chunkId === 'string' && chunkId !== '') id = chunkId;
    }
    if (chunkCreated !== undefined) {
      known++;
      if (typeof chunkCreated === 'number' && chunkCreated !== 0) created = chunkCreated;
    }
    if (chunkModel !== undefined) {
      known++;
      if (typeof chunkModel === 'string' && chunkModel !== '') model = chunkModel;
    }
    if (chunkFingerprint !== undefined) {
      known++;
      if (typeof chunkFingerprint === 'string' && chunkFingerprint !== '') fingerprint = chunkFingerprint;
    }
    if (chunkTier !== undefined) {
      known++;
      // `""` is a value (merge rule 12): kept when nothing real came, never over a real one.
      if (typeof chunkTier === 'string' && (chunkTier !== '' || serviceTier === undefined)) serviceTier = chunkTier;
    }
    if (c.choices !== undefined) known++;
    if (c.object !== undefined) known++;
    if (c.usage !== undefined) known++;
    if (c.x_groq !== undefined) known++;
    if (c.obfuscation !== undefined) known++;
    if (countKeys(c) !== known) {
      const error = c.error;
      if (error !== undefined && error !== null) chunkError = error;
      extras = keepUnknownFields(extras, c, KNOWN_TOP_LEVEL);
    }
    const groq = chunk.x_groq;
    if (groq !== undefined && groq !== null) {
      xGroq = xGroq === undefined ? groq : { ...xGroq, ...groq };
      const groqUsage = groq.usage;
      if (!usageFromTop && typeof groqUsage === 'object' && groqUsage !== null && chunk.usage == null) setUsage(groqUsage, false);
    }
    if (chunk.usage !== undefined && chunk.usage !== null) setUsage(chunk.usage, true);
  };

  return {
    push(payload: unknown, position?: ChunkPosition): ChatCompletionChunk {
      try {
        assertChatCompletionChunk(payload, position);
      } catch (error) {
        if (error instanceof ChunkwiseError && error.partial === undefined && chunks > 0) error.partial = build(false);
        throw error;
      }
      chunks++;
      chunkError = undefined;
      applyTopLevel(payload);
      const list = payload.choices;
      if (list !== undefined && list !== null) {
        for (let i = 0; i < list.length; i++) {
          const choice = list[i]!;
          const state = choiceFor(typeof choice.index === 'number' ? choice.index : i);
          if (applyChoice(state, choice, sink)) {
            unfinished--;
            if (sink !== undefined) finishChoice(state, sink);
          }
        }
      }
      if (sink !== undefined) sink.emit({ type: 'chunk', choice: list && list.length > 0 ? (list[0]!.index ?? 0) : 0, snapshot, chunk: payload });
      if (chunkError !== undefined) throw errorOfChunk(payload, chunkError, position, build(false));
      return payload;
    },

    snapshot,

    finish(terminated: boolean, lenient: boolean): ChatCompletion {
      const problem = truncation(terminated);
      if (problem !== undefined && !lenient) throw new TruncatedStreamError(problem, { partial: build(true) });
      sortChoices();
      if (sink !== undefined) for (const state of choices) finishChoice(state, sink);
      return build(true);
    },

    get complete() {
      return choices.length > 0 && unfinished === 0;
    },
  };

  /** What is missing when the stream ended here, or undefined when nothing is. */
  function truncation(terminated: boolean): string | undefined {
    if (chunks === 0) {
      return terminated ? 'The stream sent [DONE] before any chunk' : 'The stream ended before any chunk arrived';
    }
    if (terminated || (choices.length > 0 && unfinished === 0)) return undefined;
    const counted = `${chunks} chunk${chunks === 1 ? '' : 's'} arrived`;
    if (choices.length === 0) return `The stream ended without [DONE] before any choice started (${counted})`;
    sortChoices();
    const open = choices.filter((c) => c.finishReason === null).map((c) => c.index);
    const which = open.length === 1 ? `choice ${open[0]} has` : `choices ${open.join(', ')} have`;
    return `The stream ended without [DONE] and ${which} no finish_reason (${counted})`;
  }
}

/** The top-level fields the assembler reads by name; every other one is kept as it comes. `error`: rule 3. */
const KNOWN_TOP_LEVEL: ReadonlySet<string> = new Set(['id', 'created', 'model', 'system_fingerprint', 'service_tier', 'choices', 'object', 'usage', 'x_groq', 'obfuscation', 'error']);

/** The ProviderError of a chunk that carried `error` beside its choices (rule 3), with the whole chunk as its payload. */
function errorOfChunk(payload: ChatCompletionChunk, error: unknown, position: ChunkPosition | undefined, partial: ChatCompletion): ProviderError {
  const from = providerErrorFrom({ error }, position ? { ...position } : {})!;
  const init: ConstructorParameters<typeof ProviderError>[0] = { message: from.providerMessage, payload, partial, ...position };
  if (from.type !== undefined) init.type = from.type;
  if (from.providerCode !== undefined) init.code = from.providerCode;
  if (from.status !== undefined) init.status = from.status;
  if (from.param !== undefined) init.param = from.param;
  return new ProviderError(init);
}
