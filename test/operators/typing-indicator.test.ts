import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/assembly/events.js';
import { UsageError } from '../../src/errors.js';
import { nextTypingState, typingIndicator, type TypingState } from '../../src/operators/typing-indicator.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const base = { choice: 0, snapshot: () => undefined };
const events: Record<string, StreamEvent> = {
  c: { ...base, type: 'content.delta', delta: 'Hi', content: 'Hi' },
  r: { ...base, type: 'reasoning.delta', field: 'reasoning_content', delta: 'hm', reasoning: 'hm' },
  t: { ...base, type: 'tool_call.arguments.delta', index: 0, delta: '{"', arguments: '{"', partial: undefined },
  x: { ...base, type: 'refusal.delta', delta: 'No', refusal: 'No' },
  e: { ...base, type: 'content.delta', delta: '', content: 'Hi' },
  s: { ...base, type: 'tool_call.start', index: 0, id: 'call_1', name: 'f' },
  f: { ...base, type: 'finish', reason: 'stop' },
};
const states = { w: 'waiting', t: 'typing', p: 'paused', d: 'done', e: 'error' } as const;

describe('typingIndicator', () => {
  it('goes waiting → typing → paused → typing → done on virtual time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-c 10ms r 1500ms t 5ms |', events);
      expectObservable(source.pipe(typingIndicator({ pauseAfterMs: 1000 }))).toBe('wt 1010ms p 500ms t 5ms (d|)', states);
    });
  });

  it('emits waiting at once and stays waiting through silence and non-token events', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('5000ms s e f 10ms x |', events);
      expectObservable(source.pipe(typingIndicator({ pauseAfterMs: 1000 }))).toBe('w 5012ms t (d|)', states);
    });
  });

  it('pauses only after pauseAfterMs without any token, however many came before', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Tokens every 400 ms keep it typing; the pause comes 1000 ms after the last one.
      const source = cold('c 399ms c 399ms c 399ms c 2000ms |', events);
      expectObservable(source.pipe(typingIndicator({ pauseAfterMs: 1000 }))).toBe('(wt) 2196ms p 1000ms (d|)', states);
    });
  });

  it('emits error and completes when the source fails', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-c--#', events).pipe(typingIndicator())).toBe('wt--(e|)', states);
    });
  });

  it('uses a 1500 ms pause by default', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('c 2000ms |', events).pipe(typingIndicator())).toBe('(wt) 1496ms p 500ms (d|)', states);
    });
  });

  it('leaves no timer behind after completion', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('c 9ms |', events).pipe(typingIndicator({ pauseAfterMs: 1000 }))).toBe('(wt) 6ms (d|)', states);
    });
    // A pending pause timer would have advanced the virtual clock to 1000.
    expect(scheduler.frame).toBeLessThan(1000);
  });

  it('cancels its timer on unsubscribe', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('c 5000ms |', events).pipe(typingIndicator({ pauseAfterMs: 1000 })), '^ 10ms !').toBe('(wt)', states);
    });
    expect(scheduler.frame).toBeLessThan(1000);
  });

  it('accepts events of any provider, typed with their snapshot and chunk', () => {
    const typed = new Subject<StreamEvent<{ id: string }, { object: 'chat.completion.chunk' }>>();
    const seen: TypingState[] = [];
    typed.pipe(typingIndicator()).subscribe((state) => seen.push(state));
    typed.next({ choice: 0, snapshot: () => ({ id: 'x' }), type: 'content.delta', delta: 'a', content: 'a' });
    typed.complete();
    expect(seen).toEqual(['waiting', 'typing', 'done']);
  });

  it('rejects a pause that is not a positive number', () => {
    expect(() => typingIndicator({ pauseAfterMs: 0 })).toThrow(UsageError);
  });
});

describe('nextTypingState', () => {
  it('treats done and error as final', () => {
    expect(nextTypingState('done', 'token')).toBe('done');
    expect(nextTypingState('error', 'complete')).toBe('error');
  });

  it('ignores silence unless typing', () => {
    expect(nextTypingState('waiting', 'silence')).toBe('waiting');
    expect(nextTypingState('typing', 'silence')).toBe('paused');
    expect(nextTypingState('paused', 'silence')).toBe('paused');
  });
});
