/**
 * `sequence_number` checks. Every event of a Responses stream carries one, counting up by one
 * from the first; a gap (events lost), a repeat (an event sent twice) or a number smaller than
 * one before it (reordering) is reported as a diagnostic, and events are still applied in the
 * order they came. Events without the field (servers from early 2025) are not checked.
 */
import type { SequenceDiagnostic } from './types.js';

/** How many skipped numbers are remembered, to tell a late event (reorder) from a repeat. */
const MAX_MISSING = 1024;

export interface SequenceCheck {
  /** Checks the number of the `event`-th event; returns the diagnostic for it, if any. */
  check(sequence: unknown, event: number): SequenceDiagnostic | undefined;
}

export function createSequenceCheck(): SequenceCheck {
  let last = -1;
  let started = false;
  const missing = new Set<number>();
  return {
    check(sequence, event) {
      if (typeof sequence !== 'number' || !Number.isInteger(sequence)) return undefined;
      if (!started) {
        started = true;
        last = sequence;
        return undefined;
      }
      const expected = last + 1;
      if (sequence === expected) {
        last = sequence;
        return undefined;
      }
      if (sequence > expected) {
        for (let n = expected; n < sequence && missing.size < MAX_MISSING; n++) missing.add(n);
        last = sequence;
        const skipped = sequence - expected;
        return diagnostic('gap', event, expected, sequence, `sequence_number jumped from ${expected - 1} to ${sequence}: ${skipped} event${skipped === 1 ? '' : 's'} missing`);
      }
      if (missing.delete(sequence)) {
        return diagnostic('reorder', event, expected, sequence, `sequence_number ${sequence} arrived after ${last}: events out of order`);
      }
      return diagnostic('repeat', event, expected, sequence, `sequence_number ${sequence} was sent again (expected ${expected})`);
    },
  };
}

function diagnostic(kind: SequenceDiagnostic['kind'], event: number, expected: number, received: number, message: string): SequenceDiagnostic {
  return { kind, event, expected, received, message: `${message} (at event ${event})` };
}
