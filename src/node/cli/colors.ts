/**
 * ANSI styling for the terminal, off unless the stream is a TTY, and always off under
 * `NO_COLOR` (https://no-color.org); `FORCE_COLOR` turns it on for pipes.
 */

export interface Palette {
  readonly enabled: boolean;
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
}

type Env = Record<string, string | undefined>;

/** Whether to write ANSI codes to `stream`: NO_COLOR wins, then FORCE_COLOR, then "is it a TTY". */
export function colorsEnabled(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const style = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, dim: plain, bold: plain, red: plain, green: plain, yellow: plain, blue: plain, magenta: plain, cyan: plain };
  }
  return {
    enabled,
    dim: style(2, 22),
    bold: style(1, 22),
    red: style(31, 39),
    green: style(32, 39),
    yellow: style(33, 39),
    blue: style(34, 39),
    magenta: style(35, 39),
    cyan: style(36, 39),
  };
}

/** ANSI control sequences for the spinner line. */
export const ERASE_LINE = '\r\x1b[K';
export const cursorBack = (columns: number) => (columns > 0 ? `\x1b[${columns}D\x1b[K` : '');
