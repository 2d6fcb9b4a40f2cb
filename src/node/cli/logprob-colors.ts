import type { TokenLogprob } from '../../assembly/events.js';
import type { Palette } from './colors.js';

/** Probability bands for `--logprobs`, most likely first: a token's colour says how sure the model was. */
const BANDS: ReadonlyArray<{ min: number; label: string; paint: (p: Palette) => (text: string) => string }> = [
  { min: 0.9, label: '≥90%', paint: (p) => p.green },
  { min: 0.5, label: '50–90%', paint: (p) => p.cyan },
  { min: 0.2, label: '20–50%', paint: (p) => p.yellow },
  { min: 0, label: '<20%', paint: (p) => p.red },
];

/** The token text coloured by its probability, `exp(logprob)`. */
export function paintByLogprob(palette: Palette, text: string, logprob: number): string {
  const probability = Math.exp(logprob);
  const band = BANDS.find((b) => probability >= b.min) ?? BANDS[BANDS.length - 1]!;
  return band.paint(palette)(text);
}

/** One line explaining the colours. Without colours it says so, since the text is then plain. */
export function logprobLegend(palette: Palette): string {
  if (!palette.enabled) return 'token probabilities: colours are off (NO_COLOR or not a terminal), text is shown plain';
  return `token probability: ${BANDS.map((b) => b.paint(palette)(`■ ${b.label}`)).join('  ')}`;
}

export interface LogprobPainter {
  content(delta: string): void;
  token(token: TokenLogprob): void;
  /** The content received since the last flush, each token painted; text no token matched is plain. */
  flush(): string;
}

/**
 * Matches logprob tokens to the content text (they arrive as separate events, in either order
 * within a chunk) and paints each by its probability. A token that does not match the text at
 * the current position (a byte-level token of a split character) is dropped; its text prints plain.
 */
export function createLogprobPainter(palette: Palette, shown: (text: string) => string = (text) => text): LogprobPainter {
  let content = '';
  let printed = 0;
  let tokens: TokenLogprob[] = [];
  return {
    content(delta) {
      content += delta;
    },
    token(token) {
      tokens.push(token);
    },
    flush() {
      let out = '';
      for (const token of tokens) {
        const text = token.token;
        if (text === '') continue;
        const at = content.indexOf(text, printed);
        // Only a match at (or just after unmatched text near) the current position counts.
        if (at === -1 || at - printed > 8) continue;
        out += shown(content.slice(printed, at)) + paintByLogprob(palette, shown(text), token.logprob);
        printed = at + text.length;
      }
      tokens = [];
      out += shown(content.slice(printed));
      printed = content.length;
      return out;
    },
  };
}
