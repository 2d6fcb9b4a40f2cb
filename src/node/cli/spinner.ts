import type { TypingState } from '../../operators/typing-indicator.js';
import type { Palette } from './colors.js';

export interface Spinner {
  /** Shows the indicator for a typing state (`typing`, `done` and `error` hide it). */
  state(state: TypingState): void;
  /** Erases the indicator before other output; call `redraw` after it. */
  clear(): void;
  redraw(): void;
  /** Where the text cursor is, so the indicator is only drawn where it fits on the line. */
  column(column: number): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const LABELS: Partial<Record<TypingState, string>> = { waiting: 'waiting for the first token…', paused: 'paused…' };
const SAVE = '\x1b7';
const RESTORE_AND_ERASE = '\x1b8\x1b[K';

/**
 * A typing indicator drawn on stderr right after the text on the terminal: a spinner and a word
 * while the stream waits or pauses, nothing while tokens flow. It saves and restores the cursor
 * so the text written to stdout continues where it stopped. Only for terminals (the caller
 * passes a no-op spinner otherwise).
 */
export function createSpinner(stream: NodeJS.WritableStream & { columns?: number }, palette: Palette, intervalMs = 80): Spinner {
  let current: TypingState = 'waiting';
  let drawn = false;
  let frame = 0;
  let column = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const label = () => LABELS[current];
  const draw = () => {
    const text = label();
    if (text === undefined) return;
    const width = stream.columns ?? 80;
    const shown = ` ${FRAMES[frame % FRAMES.length]} ${text}`;
    // Drawn only when it fits on the current line: a wrapped indicator could not be erased cleanly.
    if (column + shown.length >= width) return;
    stream.write(`${SAVE}${palette.dim(shown)}`);
    drawn = true;
  };
  const erase = () => {
    if (!drawn) return;
    stream.write(RESTORE_AND_ERASE);
    drawn = false;
  };
  const tick = () => {
    frame++;
    erase();
    draw();
  };

  return {
    state(state) {
      current = state;
      erase();
      if (label() !== undefined) {
        draw();
        timer ??= setInterval(tick, intervalMs);
        timer.unref?.();
      } else if (timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    clear: erase,
    redraw() {
      if (timer) draw();
    },
    column(value) {
      column = value;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      erase();
    },
  };
}

/** The spinner used when stdout or stderr is not a terminal, or colours are off. */
export const NO_SPINNER: Spinner = { state() {}, clear() {}, redraw() {}, column() {}, stop() {} };
