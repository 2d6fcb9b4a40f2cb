import { Observable, type OperatorFunction } from 'rxjs';
import { withPartial } from '../errors.js';
import type { Assembler } from './assembler.js';
import { isCutError, settleEnd, type BodyEnd } from './end-of-body.js';
import { unexpected } from './unexpected-error.js';

/** What one source item means to the assembler: a payload to push, or the stream's end marker. */
export type AssemblerInput = { payload: unknown; position?: { line?: number; event?: number } } | 'terminator';

export interface SnapshotsPolicy {
  lenient: boolean;
  /** The transport has no end marker: the response ends once the assembler says it is complete (`TRANSPORTS[…].endsAtComplete`). */
  endsAtComplete: boolean;
}

/**
 * The body of every provider's `…Snapshots()` operator: each subscription gets its own
 * assembler; one snapshot per pushed item; at the end, the end-of-body policy that the pipeline
 * uses too (`end-of-body.ts`: a cut reported by the decoder upstream is a cut here); every error
 * carries the partial object. `read` turns a source item into an AssemblerInput (and may throw).
 */
export function assemblerSnapshots<I, S>(
  createAssembler: () => Assembler<unknown, S, unknown>,
  policy: SnapshotsPolicy,
  read: (item: I) => AssemblerInput,
): OperatorFunction<I, S> {
  return (source) =>
    new Observable<S>((subscriber) => {
      const assembler = createAssembler();
      let pushed = false;
      let ended = false;
      const fail = (error: unknown) => {
        ended = true;
        subscriber.error(withPartial(error, pushed ? assembler.snapshot() : undefined));
      };
      const settle = (end: BodyEnd) => {
        ended = true;
        try {
          settleEnd(assembler, end, { lenient: policy.lenient, pushed });
        } catch (error) {
          fail(unexpected(error, {}));
          return;
        }
        subscriber.complete();
      };
      return source.subscribe({
        next(item) {
          if (ended) return;
          let position: { line?: number; event?: number } = {};
          try {
            const input = read(item);
            if (input === 'terminator') {
              settle({ kind: 'terminator' });
              return;
            }
            position = input.position ?? {};
            assembler.push(input.payload, input.position);
          } catch (error) {
            fail(unexpected(error, position));
            return;
          }
          pushed = true;
          subscriber.next(assembler.snapshot());
          if (policy.endsAtComplete && assembler.complete) settle({ kind: 'closed' });
        },
        error(error) {
          if (ended) return;
          if (isCutError(error)) settle({ kind: 'cut', error });
          else fail(error);
        },
        complete() {
          if (!ended) settle({ kind: 'closed' });
        },
      });
    });
}
