/**
 * The final `Response`: the terminal event's `response` is authoritative (servers put there what
 * exists only at the end: final ids, encrypted reasoning, tool lists, statuses, exact logprob
 * values); the output built from the events fills in only what it omits. Servers differ in
 * how much they omit: some send `output: []` or no `output`, some fewer items than they streamed,
 * some items without the content they streamed.
 */
import { setOwnField } from '../../assembly/own-field.js';
import type { Response, ResponseItem } from './types.js';

/**
 * The terminal response with the built output filling its gaps: a missing or shorter `output`
 * gets the built items it lacks (matched by id, else by position); a terminal item with no
 * `content` / `summary` (or an empty one) where the built item has some gets the built one.
 */
export function mergeTerminal(terminal: Response, built: readonly ResponseItem[]): Response {
  const given = terminal.output;
  if (Array.isArray(given) && given.length >= built.length && !given.some((item, i) => lacksParts(item, built[i]))) return terminal;
  const out = {} as Response;
  for (const key in terminal) setOwnField(out, key, terminal[key]);
  if (!Array.isArray(given) || given.length === 0) {
    out.output = built.slice();
    return out;
  }
  const byId = new Map<string, ResponseItem>();
  for (const item of given) if (item !== null && typeof item === 'object' && typeof item.id === 'string') byId.set(item.id, item);
  const used = new Set<ResponseItem>();
  const merged: ResponseItem[] = [];
  for (let i = 0; i < built.length; i++) {
    const own = built[i]!;
    const match = (typeof own.id === 'string' ? byId.get(own.id) : undefined) ?? (given.length === built.length ? given[i] : undefined);
    if (match === undefined || used.has(match)) {
      merged.push(own);
      continue;
    }
    used.add(match);
    merged.push(fillParts(match, own));
  }
  for (const item of given) if (!used.has(item)) merged.push(item);
  out.output = merged;
  return out;
}

function lacksParts(item: ResponseItem | undefined, own: ResponseItem | undefined): boolean {
  if (item === undefined || own === undefined || item === null || typeof item !== 'object') return false;
  return emptyWhereFull(item.content, own.content) || emptyWhereFull(item.summary, own.summary);
}

function emptyWhereFull(given: unknown, own: unknown): boolean {
  return Array.isArray(own) && own.length > 0 && (given === undefined || given === null || (Array.isArray(given) && given.length === 0));
}

function fillParts(item: ResponseItem, own: ResponseItem): ResponseItem {
  if (!lacksParts(item, own)) return item;
  const out = {} as ResponseItem;
  for (const key in item) setOwnField(out, key, item[key]);
  if (emptyWhereFull(item.content, own.content)) out.content = own.content;
  if (emptyWhereFull(item.summary, own.summary)) out.summary = own.summary;
  return out;
}
