import type { StreamMetrics } from '../../operators/stream-metrics.js';
import { escapeControlCharacters } from '../../errors.js';
import type { Palette } from './colors.js';

export interface SummaryInput {
  provider: string | undefined;
  /** The final object, or the partial one when the stream failed. */
  response: unknown;
  metrics: StreamMetrics;
  /** The failure, when there was one. */
  error?: string;
}

type Obj = Record<string, any>;

/**
 * The closing summary of a live stream: provider, model, finish reason, streamed tokens, time to
 * first token, tokens/s, and the usage the provider reported (OpenAI `usage`, Ollama eval counts).
 */
export function formatSummary(input: SummaryInput, palette: Palette): string {
  const r: Obj = isObject(input.response) ? input.response : {};
  const m = input.metrics;
  const rows: Array<[string, string]> = [];
  rows.push(['provider', input.provider ?? 'unknown']);
  if (typeof r.model === 'string' && r.model) rows.push(['model', r.model]);
  rows.push(['finish reason', finishReasons(r) ?? (input.error ? 'none (failed)' : 'none')]);
  const calls = toolCallCount(r);
  if (calls) rows.push(['tool calls', String(calls)]);
  rows.push(['tokens', `${m.tokens} streamed`]);
  rows.push(['first token', m.timeToFirstTokenMs === undefined ? '—' : formatMs(m.timeToFirstTokenMs)]);
  rows.push(['tokens/s', m.tokensPerSecond > 0 ? m.tokensPerSecond.toFixed(1) : '—']);
  rows.push(['elapsed', formatMs(m.elapsedMs)]);
  const usage = usageLine(r);
  if (usage) rows.push(['usage', usage]);
  if (input.error) rows.push(['error', input.error]);
  const width = Math.max(...rows.map(([k]) => k.length));
  // Values come from the stream (model, finish reason): shown with their control characters visible.
  const body = rows.map(([k, raw]) => [k, escapeControlCharacters(raw)] as const).map(([k, v]) => `${palette.dim(k.padEnd(width))}  ${k === 'error' ? palette.red(v) : v}`).join('\n');
  return `${palette.dim('── summary ──')}\n${body}\n`;
}

function finishReasons(r: Obj): string | undefined {
  if (Array.isArray(r.choices)) {
    const reasons = [...new Set(r.choices.map((c: Obj) => c?.finish_reason).filter((x: unknown) => typeof x === 'string'))];
    return reasons.length ? reasons.join(', ') : undefined;
  }
  if (typeof r.done_reason === 'string') return r.done_reason;
  // Responses API: the status, with the reason of an incomplete one.
  if (r.object === 'response' && typeof r.status === 'string') {
    const reason = r.incomplete_details?.reason;
    return typeof reason === 'string' ? `${r.status} (${reason})` : r.status;
  }
  return r.done === true ? 'done' : undefined;
}

function toolCallCount(r: Obj): number {
  if (Array.isArray(r.choices)) return r.choices.reduce((n: number, c: Obj) => n + (c?.message?.tool_calls?.length ?? 0), 0);
  if (r.object === 'response' && Array.isArray(r.output)) return r.output.filter((item: Obj) => item?.type === 'function_call' || item?.type === 'custom_tool_call').length;
  return r.message?.tool_calls?.length ?? 0;
}

function usageLine(r: Obj): string | undefined {
  const u = r.usage;
  if (isObject(u) && typeof u.total_tokens === 'number' && typeof u.input_tokens === 'number') {
    // Responses API usage.
    let line = `${u.input_tokens} input + ${u.output_tokens ?? '?'} output = ${u.total_tokens} total`;
    const reasoning = (u.output_tokens_details as Obj | undefined)?.reasoning_tokens;
    if (typeof reasoning === 'number' && reasoning > 0) line += ` (${reasoning} reasoning)`;
    return line;
  }
  if (isObject(u) && typeof u.total_tokens === 'number') {
    let line = `${u.prompt_tokens ?? '?'} prompt + ${u.completion_tokens ?? '?'} completion = ${u.total_tokens} total`;
    const reasoning = (u.completion_tokens_details as Obj | undefined)?.reasoning_tokens;
    if (typeof reasoning === 'number' && reasoning > 0) line += ` (${reasoning} reasoning)`;
    return line;
  }
  if (typeof r.eval_count === 'number') {
    let line = `${r.prompt_eval_count ?? '?'} prompt + ${r.eval_count} generated`;
    if (typeof r.eval_duration === 'number' && r.eval_duration > 0) line += `, ${((r.eval_count * 1e9) / r.eval_duration).toFixed(1)} tokens/s reported`;
    if (typeof r.total_duration === 'number') line += `, ${formatMs(r.total_duration / 1e6)} total`;
    return line;
  }
  return undefined;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
