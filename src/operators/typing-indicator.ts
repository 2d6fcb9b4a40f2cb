import { Observable, asyncScheduler, type OperatorFunction, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { StreamEvent } from '../assembly/events.js';
import { checkOptions } from '../assembly/check-options.js';
import { isTokenEvent } from './token-events.js';

/**
 * What a "the assistant is typing…" indicator shows:
 * `waiting` (subscribed, no token yet), `typing`, `paused` (no token for a while),
 * `done` (the stream completed), `error` (the stream failed).
 */
export type TypingState = 'waiting' | 'typing' | 'paused' | 'done' | 'error';

/** What can happen to the indicator: a token, a long enough silence, the end, a failure. */
export type TypingSignal = 'token' | 'silence' | 'complete' | 'error';

export interface TypingIndicatorOptions {
  /** Silence after a token that counts as a pause. Default 1500 ms. */
  pauseAfterMs?: number;
  /** Whose clock measures the silence. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * The pure state machine behind {@link typingIndicator}. `done` and `error` are final; a
 * silence before the first token keeps `waiting`.
 *
 * @example
 * ```ts
 * nextTypingState('paused', 'token'); // 'typing'
 * ```
 */
export function nextTypingState(state: TypingState, signal: TypingSignal): TypingState {
  if (state === 'done' || state === 'error') return state;
  switch (signal) {
    case 'token':
      return 'typing';
    case 'silence':
      return state === 'typing' ? 'paused' : state;
    case 'complete':
      return 'done';
    case 'error':
      return 'error';
  }
}

/**
 * Turns stream events into typing-indicator states, emitted only when they change:
 * `waiting` at once on subscribe, `typing` on each token after a silence, `paused` once no
 * token came for `pauseAfterMs`, then `done` when the source completes.
 *
 * When the source fails, it emits `error` and completes (it does not rethrow): the indicator
 * is a display state, and the failure itself reaches whoever consumes the events. One timer
 * at most is pending per subscription (it is re-armed on expiry, not on every token) and none
 * is left after the end.
 *
 * @example
 * ```ts
 * const events = stream.events.pipe(share());
 * events.pipe(typingIndicator({ pauseAfterMs: 1000 })).subscribe((state) => (dots.hidden = state !== 'typing'));
 * ```
 */
export function typingIndicator(options: TypingIndicatorOptions = {}): OperatorFunction<StreamEvent, TypingState> {
  const silenceOptions = checkSilenceOptions('typingIndicator', options);

  return (source) =>
    new Observable<TypingState>((subscriber) => {
      let state: TypingState = 'waiting';
      const signal = (what: TypingSignal) => {
        const next = nextTypingState(state, what);
        if (next === state) return;
        state = next;
        subscriber.next(state);
      };
      const silence = watchSilence(silenceOptions, () => signal('silence'));

      subscriber.next(state);
      const subscription = source.subscribe({
        next(event) {
          if (!isTokenEvent(event)) return;
          signal('token');
          silence.token();
        },
        error() {
          signal('error');
          subscriber.complete();
        },
        complete() {
          signal('complete');
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        silence.stop();
      };
    });
}

/** The silence options checked once, when the operator is made. */
function checkSilenceOptions(where: string, options: TypingPhasesOptions): { pauseAfterMs: number; scheduler: SchedulerLike } {
  checkOptions(where, options, ['pauseAfterMs', 'scheduler', 'choice']);
  return { pauseAfterMs: options.pauseAfterMs ?? 1500, scheduler: options.scheduler ?? asyncScheduler };
}

/**
 * Calls `onSilence` once no token came for `pauseAfterMs`. One timer at most is pending: it is
 * armed by a token and, on expiry, waits out the rest if tokens came since (re-armed on expiry,
 * not on every token).
 */
function watchSilence({ pauseAfterMs, scheduler }: { pauseAfterMs: number; scheduler: SchedulerLike }, onSilence: () => void): { token(): void; stop(): void } {
  let lastTokenAt = 0;
  let timer: Subscription | undefined;
  function checkSilence(this: SchedulerAction<undefined>) {
    const quiet = scheduler.now() - lastTokenAt;
    if (quiet < pauseAfterMs) {
      this.schedule(undefined, pauseAfterMs - quiet);
      return;
    }
    timer = undefined;
    onSilence();
  }
  return {
    token() {
      lastTokenAt = scheduler.now();
      timer ??= scheduler.schedule(checkSilence, pauseAfterMs);
    },
    stop() {
      timer?.unsubscribe();
      timer = undefined;
    },
  };
}

/**
 * What a chat UI shows while a reply streams, in more detail than {@link TypingState}:
 * `waiting` (no token yet), `thinking` (reasoning is streaming), `writing` (content or a
 * refusal), `tool` (a tool call is forming, with its name), then `done` or `failed`.
 * `paused` is true once no token came for `pauseAfterMs` within the active phase.
 */
export type TypingPhase =
  | { phase: 'waiting' }
  | { phase: 'thinking'; paused: boolean }
  | { phase: 'writing'; paused: boolean }
  | { phase: 'tool'; name: string; index: number; paused: boolean }
  | { phase: 'done' }
  | { phase: 'failed'; error: unknown };

export type TypingPhaseName = TypingPhase['phase'];

export interface TypingPhasesOptions extends TypingIndicatorOptions {
  /** Which choice to follow when the response has several (`n > 1`). Default 0. */
  choice?: number;
}

/** What {@link nextTypingPhase} needs besides the event: the followed choice and the tool names seen so far. */
export interface TypingPhaseContext {
  /** Default 0. */
  choice?: number;
  /** Tool-call index → name, from the `tool_call.start` events of the followed choice. */
  toolNames?: ReadonlyMap<number, string>;
}

/**
 * The pure step behind {@link typingPhases}: the phase after one event. Events of other
 * choices, and events that carry no token, leave it as it is (a `tool_call.start` enters the
 * `tool` phase at once, so its name shows before the arguments stream). `done` and `failed`
 * are final. Any token ends a pause.
 *
 * @example
 * ```ts
 * nextTypingPhase({ phase: 'waiting' }, reasoningDelta); // { phase: 'thinking', paused: false }
 * ```
 */
export function nextTypingPhase(phase: TypingPhase, event: StreamEvent, context: TypingPhaseContext = {}): TypingPhase {
  if (phase.phase === 'done' || phase.phase === 'failed' || event.choice !== (context.choice ?? 0)) return phase;
  switch (event.type) {
    case 'reasoning.delta':
      return event.delta === '' ? phase : { phase: 'thinking', paused: false };
    case 'content.delta':
    case 'refusal.delta':
      return event.delta === '' ? phase : { phase: 'writing', paused: false };
    case 'tool_call.start':
      return { phase: 'tool', name: event.name, index: event.index, paused: false };
    case 'tool_call.arguments.delta': {
      if (event.delta === '') return phase;
      // The delta carries no name: it comes from the call's start (known names, else the phase's own).
      const name = context.toolNames?.get(event.index) ?? (phase.phase === 'tool' && phase.index === event.index ? phase.name : '');
      return { phase: 'tool', name, index: event.index, paused: false };
    }
    default:
      return phase;
  }
}

function samePhase(a: TypingPhase, b: TypingPhase): boolean {
  if (a.phase !== b.phase) return false;
  if ('paused' in a && 'paused' in b && a.paused !== b.paused) return false;
  if (a.phase === 'tool' && b.phase === 'tool') return a.name === b.name && a.index === b.index;
  return true;
}

/**
 * Turns stream events into chat-UI phases, emitted only when they change: `waiting` at once,
 * then `thinking` / `writing` / `tool` (with the tool's name) as tokens of each kind arrive,
 * the same phase with `paused: true` after `pauseAfterMs` without a token, then `done` when the
 * source completes or `failed` (with the error) when it fails. Like {@link typingIndicator} it
 * does not rethrow, and it keeps at most one timer.
 *
 * @example
 * ```ts
 * events.pipe(typingPhases()).subscribe((p) => (label.textContent = p.phase === 'tool' ? `calling ${p.name}…` : p.phase));
 * ```
 */
export function typingPhases(options: TypingPhasesOptions = {}): OperatorFunction<StreamEvent, TypingPhase> {
  const silenceOptions = checkSilenceOptions('typingPhases', options);
  const choice = options.choice ?? 0;

  return (source) =>
    new Observable<TypingPhase>((subscriber) => {
      let phase: TypingPhase = { phase: 'waiting' };
      const toolNames = new Map<number, string>();
      const context: TypingPhaseContext = { choice, toolNames };
      const set = (next: TypingPhase) => {
        if (samePhase(phase, next)) return;
        phase = next;
        subscriber.next(phase);
      };
      const silence = watchSilence(silenceOptions, () => {
        if ('paused' in phase) set({ ...phase, paused: true });
      });

      subscriber.next(phase);
      const subscription = source.subscribe({
        next(event) {
          if (event.type === 'tool_call.start' && event.choice === choice) toolNames.set(event.index, event.name);
          const next = nextTypingPhase(phase, event, context);
          if (next === phase) return;
          set(next);
          if (event.choice !== choice || !isTokenEvent(event)) return;
          silence.token();
        },
        error(error: unknown) {
          silence.stop();
          set({ phase: 'failed', error });
          subscriber.complete();
        },
        complete() {
          silence.stop();
          set({ phase: 'done' });
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        silence.stop();
      };
    });
}
