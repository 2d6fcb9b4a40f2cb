/** Small DOM helpers for the inspect page (no framework: the page must stay small and fast). */

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes (`on…` keys are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | undefined | false>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== false) el.append(child);
  return el;
}

export const $ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T => root.querySelector(selector) as T;

/** Milliseconds as people read them: `840 ms`, `2.41 s`. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

/** Bytes as text with control characters made visible as escapes (`\n`, `\r`, `\t`, `\u0001`). */
export function visibleText(text: string): string {
  return text.replace(/[\r\n\t]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Probability bands for token colours (p = e^logprob): what the legend shows. */
export const PROBABILITY_BANDS = [
  { min: 0.9, label: '≥ 90%' },
  { min: 0.7, label: '70–90%' },
  { min: 0.5, label: '50–70%' },
  { min: 0.3, label: '30–50%' },
  { min: 0, label: '< 30%' },
] as const;

export function probabilityBand(logprob: number): number {
  const p = Math.exp(logprob);
  return PROBABILITY_BANDS.findIndex((band) => p >= band.min);
}

export function percent(logprob: number): string {
  const p = Math.exp(logprob) * 100;
  return `${p >= 99.95 ? '100' : p < 0.1 ? p.toExponential(1) : p.toFixed(1)}%`;
}
