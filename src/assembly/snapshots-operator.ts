import { Observable, type OperatorFunction } from 'rxjs';
import { withPartial } from '../errors.js';
import type { Assembler } from './assembler.js';

/** What one source item means to the assembler: a payload to push, or the stream's end marker. */
export type AssemblerInput = { payload: unknown; position?: { line?: number; event?: number } } | 'terminator';

/**
 * The body of every provider's `…Snapshots()` operator: each subscription gets its own
 * assembler; one snapshot per pushed item; on completion, the truncation check; every error
 * carries the partial object. `read` turns a source item into an AssemblerInput (and may throw).
 */
export function assemblerSnapshots<I, S>(
  createAssembler: () => Assembler<unknown, S, unknown>,
  lenient: boolean,
  read: (item: I) => AssemblerInput,
): OperatorFunction<I, S> {
  return (source) =>
    new Observable<S>((subscriber) => {
      const assembler = createAssembler();
      let terminated = false;
      let pushed = false;
      const fail = (error: unknown) => subscriber.error(withPartial(error, pushed ? assembler.snapshot() : undefined));
      return source.subscribe({
        next(item) {
          if (terminated) return;
          try {
            const input = read(item);
            if (input === 'terminator') {
              terminated = true;
              return;
            }
            assembler.push(input.payload, input.position);
          } catch (error) {
            fail(error);
            return;
          }
          pushed = true;
          subscriber.next(assembler.snapshot());
        },
        error: fail,
        complete() {
          try {
            assembler.finish(terminated, lenient);
          } catch (error) {
            fail(error);
            return;
          }
          subscriber.complete();
        },
      });
    });
}
