/**
 * The Ollama assembler: checked NDJSON lines of `/api/chat` or `/api/generate` in, the
 * response Ollama would have sent for `"stream": false` out. The endpoint is read off the
 * first line that says (`message` → chat, `response` → generate). See state.ts for the rules.
 */
import { ASSEMBLER_OPTIONS, checkOptions } from '../../assembly/check-options.js';
import type { Assembler, AssemblerOptions } from '../../assembly/assembler.js';
import { createIncrementalJson } from '../../assembly/incremental-json.js';
import { PAYLOAD_JSON_OPTIONS } from '../../assembly/json-depth.js';
import { ParseError, TruncatedStreamError, withPartial } from '../../errors.js';
import { providerErrorFrom } from '../../transports/provider-error.js';
import { buildOllamaResponse } from './build-response.js';
import { applyCommonLine } from './common-line.js';
import { emitLineEvents, emitTextLineEvents, type OllamaEventSink } from './emit-events.js';
import { createLineRecord, readLine } from './read-line.js';
import { applyLine, checkEndpoint, createOllamaState } from './state.js';
import type { OllamaChunk, OllamaResponse, OllamaSnapshot } from './types.js';

export type OllamaAssembler = Assembler<OllamaChunk, OllamaSnapshot, OllamaResponse>;

/**
 * Creates a push reducer for one Ollama stream (either endpoint).
 *
 * - `push` throws a ParseError naming the field (`message.content must be a string, got a
 *   number (3)`) and the line, leaving the state as it was; an `{"error": "…"}` line throws
 *   the ProviderError. Both carry the partial response.
 * - `finish` returns the final response, or throws a TruncatedStreamError (with the partial
 *   response) when no `done: true` line came, unless `lenient`.
 * - `snapshot` costs O(1) whatever the length of the text.
 *
 * @example
 * ```ts
 * const assembler = createOllamaAssembler({ onEvent: (e) => e.type === 'content.delta' && print(e.delta) });
 * const decoder = createNdjsonDecoder({ value: (line, n) => assembler.push(line, { line: n }), error: fail });
 * for await (const bytes of response.body!) decoder.feed(bytes);
 * decoder.end();
 * const chat = assembler.finish(false, false); // { model, created_at, message: { role, content }, done_reason, done: true, … }
 * ```
 */
export function createOllamaAssembler(options: AssemblerOptions<OllamaSnapshot, OllamaChunk> = {}): OllamaAssembler {
  checkOptions('createOllamaAssembler', options, ASSEMBLER_OPTIONS);
  const state = createOllamaState();
  const line = createLineRecord();
  let applied = 0;
  const snapshot = (): OllamaSnapshot => buildOllamaResponse(state, false);
  const partial = () => (applied > 0 ? snapshot() : undefined);
  const sink: OllamaEventSink | undefined = options.onEvent
    ? { emit: options.onEvent, snapshot, json: options.partialContent ? createIncrementalJson(PAYLOAD_JSON_OPTIONS) : undefined }
    : undefined;

  return {
    push(payload, position) {
      if (!state.done) {
        const text = applyCommonLine(state, payload);
        if (text !== undefined) {
          applied++;
          if (sink !== undefined) emitTextLineEvents(sink, state, payload as OllamaChunk, text);
          return payload as OllamaChunk;
        }
      }
      try {
        if (state.done) throw new ParseError('An Ollama line came after the final `done: true` line', position ? { ...position } : {});
        readLine(payload, line, position);
        if (line.error) throw providerErrorFrom(payload, { ...position }) ?? new ParseError('An Ollama line has an `error` field', { ...position });
        checkEndpoint(state, line, position);
      } catch (error) {
        throw withPartial(error, partial());
      }
      const toolCallsBefore = state.toolCalls.length;
      const logprobsBefore = state.logprobs.length;
      applyLine(state, line, payload as Record<string, unknown>);
      applied++;
      if (sink !== undefined) emitLineEvents(sink, state, line, payload as OllamaChunk, toolCallsBefore, logprobsBefore);
      return payload as OllamaChunk;
    },
    snapshot,
    finish(_terminated, lenient) {
      // NDJSON has no end marker: only the `done: true` line says the response is complete.
      if (state.done || lenient) return buildOllamaResponse(state, true);
      throw new TruncatedStreamError(
        applied === 0
          ? 'The Ollama stream ended before its first line'
          : `The Ollama stream ended after ${applied} line${applied === 1 ? '' : 's'}, before the final \`done: true\` line`,
        { partial: partial() },
      );
    },
    get complete() {
      return state.done;
    },
  };
}
