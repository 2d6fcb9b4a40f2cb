/**
 * The fast path for the line nearly every Ollama stream is made of:
 * `{"model","created_at","message":{"role","content"},"done":false}` (`/api/chat`) or
 * `{"model","created_at","response","done":false}` (`/api/generate`), with those keys and no
 * other. Such a line is checked and applied here in one pass, without filling a LineRecord
 * (read-line.ts); any other line (the last one, tool calls, thinking, logprobs, unknown fields,
 * anything of a wrong type) is left to the general path, which applies the same rules.
 */
import { countKeys } from '../../assembly/count-keys.js';
import { appendText } from '../../assembly/growing-text.js';
import type { OllamaState } from './state.js';

/** The text the line added (`""` for an empty fragment), or undefined when the line is not a common one (nothing changed). */
export function applyCommonLine(s: OllamaState, payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.done !== false) return undefined;
  const model = p.model;
  const createdAt = p.created_at;
  if (typeof model !== 'string' || typeof createdAt !== 'string') return undefined;
  const message = p.message;
  let text: unknown;
  let role: unknown;
  if (message !== undefined) {
    if (s.endpoint === 'generate' || typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
    const m = message as Record<string, unknown>;
    role = m.role;
    text = m.content;
    if (typeof role !== 'string' || typeof text !== 'string' || countKeys(m) !== 2) return undefined;
  } else {
    text = p.response;
    if (s.endpoint === 'chat' || typeof text !== 'string') return undefined;
  }
  if (countKeys(p) !== 4) return undefined;
  // `""` never replaces a known value (rule 10, state.ts).
  if (message !== undefined) {
    s.endpoint = 'chat';
    if (role !== '' || s.role === undefined) s.role = role as string;
  } else s.endpoint = 'generate';
  if (model !== '' || s.model === undefined) s.model = model;
  if (createdAt !== '' || s.createdAt === undefined) s.createdAt = createdAt;
  if (text !== '') s.text = appendText(s.textGrowth, text);
  return text;
}

