import { Subject, type Observable } from 'rxjs';
import type { StreamEvent } from '../../assembly/events.js';
import { escapeControlCharacters, toChunkwiseError, type ChunkwiseError } from '../../errors.js';
import { metricsTracker } from '../../operators/stream-metrics.js';
import { isTokenEvent } from '../../operators/token-events.js';
import { typingIndicator } from '../../operators/typing-indicator.js';
import { colorsEnabled, createPalette } from './colors.js';
import { oneLine, type CliIo } from './io.js';
import { logprobLegend } from './logprob-colors.js';
import { createEventRenderer } from './render-events.js';
import { NO_SPINNER, createSpinner } from './spinner.js';
import { formatSummary } from './summary.js';

export interface LiveViewOptions {
  /** A dim line printed before the stream (what is playing). */
  heading?: string;
  /** Colour content tokens by their probability. */
  logprobs?: boolean;
  /** The provider named in the summary; guessed from the response shape when absent. */
  provider?: string;
  /** Silence after a token that shows the "paused" indicator. Default 700 ms. */
  pauseAfterMs?: number;
  /** How the stream's text is shown (`streamTextFilter`): control characters made visible, or kept. Default: made visible. */
  streamText?: (text: string) => string;
}

export interface LiveOutcome {
  response?: unknown;
  error?: ChunkwiseError;
}

/**
 * Shows a stream live on the terminal: the text as it assembles (stdout), a typing indicator
 * while waiting or paused (stderr, terminals only), then a summary (stdout). Without a terminal
 * or under NO_COLOR the output is plain text with no control codes. Never rejects: a failed
 * stream is reported on stderr and returned as `error`.
 */
export function showLive(events$: Observable<StreamEvent>, io: CliIo, options: LiveViewOptions = {}): Promise<LiveOutcome> {
  const palette = createPalette(colorsEnabled(io.stdout, io.env));
  const interactive = palette.enabled && io.stdout.isTTY === true && io.stderr.isTTY === true && colorsEnabled(io.stderr, io.env);
  const errPalette = createPalette(colorsEnabled(io.stderr, io.env));
  const spinner = interactive ? createSpinner(io.stderr, palette) : NO_SPINNER;
  let column = 0;
  const write = (text: string) => {
    spinner.clear();
    io.stdout.write(text);
    column = columnAfter(column, text, io.stdout.columns ?? 80);
    spinner.column(column);
    spinner.redraw();
  };

  if (options.heading) write(`${palette.dim(oneLine(options.heading))}\n`);
  if (options.logprobs) write(`${logprobLegend(palette)}\n`);
  const renderer = createEventRenderer(write, palette, { logprobs: options.logprobs ?? false, streamText: options.streamText ?? escapeControlCharacters });
  const tracker = metricsTracker(Date.now(), 1000);
  const hub = new Subject<StreamEvent>();
  const typing = hub.pipe(typingIndicator({ pauseAfterMs: options.pauseAfterMs ?? 700 })).subscribe((state) => spinner.state(state));

  return new Promise<LiveOutcome>((resolve) => {
    let response: unknown;
    const finish = (error?: ChunkwiseError) => {
      renderer.end();
      spinner.stop();
      typing.unsubscribe();
      if (error) io.stderr.write(`${errPalette.red('✖')} ${oneLine(error.message)}\n`);
      const result = error ? error.partial : response;
      const summary = { provider: options.provider ?? providerOf(result), response: result, metrics: tracker.read(Date.now(), true) };
      write(`\n${formatSummary(error ? { ...summary, error: error.code } : summary, palette)}`);
      resolve(error ? { error } : { response });
    };
    hub.subscribe({
      next(event) {
        if (isTokenEvent(event)) tracker.token(Date.now());
        if (event.type === 'done') response = event.response;
        renderer.event(event);
      },
      error: (error: unknown) => finish(toChunkwiseError(error)),
      complete: () => finish(),
    });
    events$.subscribe(hub);
  });
}

/** `openai` / `groq` / `ollama` from the final object's shape. */
export function providerOf(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const r = response as Record<string, unknown>;
  if (Array.isArray(r.choices)) return r.x_groq !== undefined ? 'groq' : 'openai';
  if ('done' in r || 'message' in r || 'response' in r) return 'ollama';
  return undefined;
}

// The cursor column after writing `text` (ANSI codes take no room; long lines wrap).
function columnAfter(column: number, text: string, width: number): number {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const lastBreak = visible.lastIndexOf('\n');
  const tail = lastBreak === -1 ? visible : visible.slice(lastBreak + 1);
  const start = lastBreak === -1 ? column : 0;
  return (start + [...tail].length) % Math.max(width, 1);
}
