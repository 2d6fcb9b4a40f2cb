import { TestScheduler } from 'rxjs/testing';
import { firstValueFrom, from, toArray } from 'rxjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/assembly/events.js';
import { UsageError } from '../../src/errors.js';
import { streamEvents } from '../../src/operators/run-pipeline.js';
import { nextTypingPhase, typingIndicator, typingPhases, type TypingPhase } from '../../src/operators/typing-indicator.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const base = { choice: 0, snapshot: () => undefined };
const events: Record<string, StreamEvent> = {
  r: { ...base, type: 'reasoning.delta', field: 'reasoning_content', delta: 'hm', reasoning: 'hm' },
  c: { ...base, type: 'content.delta', delta: 'Hi', content: 'Hi' },
  e: { ...base, type: 'content.delta', delta: '', content: 'Hi' },
  x: { ...base, type: 'refusal.delta', delta: 'No', refusal: 'No' },
  s: { ...base, type: 'tool_call.start', index: 0, id: 'call_1', name: 'get_weather' },
  a: { ...base, type: 'tool_call.arguments.delta', index: 0, delta: '{"', arguments: '{"', partial: undefined },
  S: { ...base, type: 'tool_call.start', index: 1, id: 'call_2', name: 'get_time' },
  b: { ...base, type: 'tool_call.arguments.delta', index: 1, delta: '{}', arguments: '{}', partial: {} },
  o: { ...base, choice: 1, type: 'content.delta', delta: 'other', content: 'other' },
  f: { ...base, type: 'finish', reason: 'stop' },
};
const phases: Record<string, TypingPhase> = {
  w: { phase: 'waiting' },
  t: { phase: 'thinking', paused: false },
  T: { phase: 'thinking', paused: true },
  c: { phase: 'writing', paused: false },
  C: { phase: 'writing', paused: true },
  g: { phase: 'tool', name: 'get_weather', index: 0, paused: false },
  G: { phase: 'tool', name: 'get_weather', index: 0, paused: true },
  h: { phase: 'tool', name: 'get_time', index: 1, paused: false },
  d: { phase: 'done' },
};

describe('typingPhases', () => {
  it('goes waiting → thinking → writing → calling a tool (named) → done on virtual time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('10ms r 9ms r 9ms c 9ms c 9ms s 9ms a 9ms |', events);
      expectObservable(source.pipe(typingPhases({ pauseAfterMs: 1000 }))).toBe('w 9ms t 19ms c 19ms g 19ms (d|)', phases);
    });
  });

  it('marks a pause within the phase after pauseAfterMs without a token, and a token resumes it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('r 1500ms r 1999ms c 1500ms |', events);
      expectObservable(source.pipe(typingPhases({ pauseAfterMs: 1000 }))).toBe('(wt) 996ms T 500ms t 999ms T 999ms c 999ms C 500ms (d|)', phases);
    });
  });

  it('ignores empty deltas and the events of other choices; follows another choice when asked', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('e o f 5ms |', events).pipe(typingPhases())).toBe('w 7ms (d|)', phases);
      expectObservable(cold('e o f 5ms |', events).pipe(typingPhases({ choice: 1 }))).toBe('w o 6ms (d|)', { ...phases, o: { phase: 'writing', paused: false } });
    });
  });

  it('keeps each parallel call’s name when their fragments interleave', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('s 9ms a 9ms S 9ms b 9ms a 9ms |', events).pipe(typingPhases())).toBe('(wg) 16ms h 19ms g 9ms (d|)', phases);
    });
  });

  it('ends in failed with the error, and does not rethrow', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('boom');
      expectObservable(cold('-x-#', events, failure).pipe(typingPhases())).toBe('wc-(f|)', { ...phases, f: { phase: 'failed', error: failure } });
    });
  });

  it('leaves no timer behind after the end', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('c 9ms |', events).pipe(typingPhases({ pauseAfterMs: 1000 }))).toBe('(wc) 6ms (d|)', phases);
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('rejects a pause that is not a positive number', () => {
    expect(() => typingPhases({ pauseAfterMs: 0 })).toThrow(UsageError);
  });

  it('is a pure step function too: final phases stay final', () => {
    expect(nextTypingPhase({ phase: 'done' }, events.c!)).toEqual({ phase: 'done' });
    expect(nextTypingPhase({ phase: 'waiting' }, events.s!)).toEqual(phases.g);
    expect(nextTypingPhase({ phase: 'writing', paused: true }, events.c!)).toEqual(phases.c);
  });

  it('leaves typingIndicator as it was (waiting/typing/paused/done)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-c 10ms r |', events).pipe(typingIndicator())).toBe('wt 11ms (d|)', { w: 'waiting', t: 'typing', d: 'done' });
    });
  });

  it('follows a real recording: reasoning, then content, then done', async () => {
    const body = readFileSync(new URL('../../recordings/compat-reasoning-content.sse', import.meta.url));
    const seen = await firstValueFrom(streamEvents(from([new Uint8Array(body)])).pipe(typingPhases(), toArray()));
    expect(seen.map((p) => p.phase)).toEqual(['waiting', 'thinking', 'writing', 'done']);
  });
});
