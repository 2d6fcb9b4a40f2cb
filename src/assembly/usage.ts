/**
 * Merge rule 11 ("usage, normalised fully"): the final object keeps the server's usage exactly;
 * the `usage` event also carries these counts under one set of names, read from wherever a
 * server reports them, and lists the ones the server did not report (`null` here, never a
 * guessed 0):
 *
 * - prompt / completion / total: `prompt_tokens`, `completion_tokens`, `total_tokens`
 *   (Ollama's `prompt_eval_count` / `eval_count` arrive here already mapped; `input_tokens` /
 *   `output_tokens` also count); a missing total is the sum when both others are known;
 * - cached prompt tokens: `prompt_tokens_details.cached_tokens`, `prompt_cache_hit_tokens`
 *   (DeepSeek), `prompt_eval_cached_count` (Ollama), `input_tokens_details.cached_tokens`;
 * - reasoning tokens: `completion_tokens_details.reasoning_tokens`,
 *   `output_tokens_details.reasoning_tokens`.
 *
 * A second object (Groq's `x_groq.usage`) fills in what the first does not say.
 */

export interface NormalizedUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  cached_prompt_tokens: number | null;
  reasoning_tokens: number | null;
  /** The names above that are `null`: the server did not report them. */
  unknown: Array<'prompt_tokens' | 'completion_tokens' | 'total_tokens' | 'cached_prompt_tokens' | 'reasoning_tokens'>;
}

type Source = Record<string, unknown> | undefined | null;

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function nested(o: Source, outer: string, inner: string): number | null {
  if (o === undefined || o === null) return null;
  const details = o[outer];
  return typeof details === 'object' && details !== null ? count((details as Record<string, unknown>)[inner]) : null;
}

function first(...values: Array<number | null>): number | null {
  for (const value of values) if (value !== null) return value;
  return null;
}

function read(o: Source): Omit<NormalizedUsage, 'unknown'> {
  if (o === undefined || o === null) return { prompt_tokens: null, completion_tokens: null, total_tokens: null, cached_prompt_tokens: null, reasoning_tokens: null };
  return {
    prompt_tokens: first(count(o.prompt_tokens), count(o.input_tokens)),
    completion_tokens: first(count(o.completion_tokens), count(o.output_tokens)),
    total_tokens: count(o.total_tokens),
    cached_prompt_tokens: first(nested(o, 'prompt_tokens_details', 'cached_tokens'), count(o.prompt_cache_hit_tokens), count(o.prompt_eval_cached_count), nested(o, 'input_tokens_details', 'cached_tokens')),
    reasoning_tokens: first(nested(o, 'completion_tokens_details', 'reasoning_tokens'), nested(o, 'output_tokens_details', 'reasoning_tokens')),
  };
}

/**
 * The counts of `usage`, with `fallback` filling in what it lacks.
 *
 * @example
 * ```ts
 * normalizeUsage({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_cache_hit_tokens: 8 });
 * // { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, cached_prompt_tokens: 8, reasoning_tokens: null, unknown: ['reasoning_tokens'] }
 * ```
 */
export function normalizeUsage(usage: Source, fallback?: Source): NormalizedUsage {
  const a = read(usage);
  const b = read(fallback);
  const prompt = first(a.prompt_tokens, b.prompt_tokens);
  const completion = first(a.completion_tokens, b.completion_tokens);
  const out: NormalizedUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: first(a.total_tokens, b.total_tokens, prompt !== null && completion !== null ? prompt + completion : null),
    cached_prompt_tokens: first(a.cached_prompt_tokens, b.cached_prompt_tokens),
    reasoning_tokens: first(a.reasoning_tokens, b.reasoning_tokens),
    unknown: [],
  };
  for (const key of ['prompt_tokens', 'completion_tokens', 'total_tokens', 'cached_prompt_tokens', 'reasoning_tokens'] as const) if (out[key] === null) out.unknown.push(key);
  return out;
}
