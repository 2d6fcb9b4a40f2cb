import type { StreamEvent } from '../assembly/events.js';

/** The event types that carry a piece of generated text: what the live helpers count as a token. */
export type TokenEventType = 'content.delta' | 'reasoning.delta' | 'refusal.delta' | 'tool_call.arguments.delta';

const TOKEN_TYPES: ReadonlySet<string> = new Set<TokenEventType>(['content.delta', 'reasoning.delta', 'refusal.delta', 'tool_call.arguments.delta']);

/**
 * Whether an event is a token: a non-empty `content.delta`, `reasoning.delta`,
 * `refusal.delta` or `tool_call.arguments.delta` (the same for every provider).
 *
 * @example
 * ```ts
 * events.pipe(filter(isTokenEvent)).subscribe((e) => console.log(e.delta));
 * ```
 */
export function isTokenEvent<S, C>(event: StreamEvent<S, C>): event is Extract<StreamEvent<S, C>, { type: TokenEventType }> {
  return TOKEN_TYPES.has(event.type) && (event as { delta: string }).delta !== '';
}
