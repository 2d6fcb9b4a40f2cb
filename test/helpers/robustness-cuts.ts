/**
 * Ways of cutting a body into pieces, for fast-check: uniform cut points, and cut points biased
 * towards the places where decoders go wrong: inside and around multi-byte UTF-8 characters,
 * between the CR and the LF of a CRLF, inside the `data:` prefix, inside `\uXXXX` escapes, next
 * to line ends and inside `[DONE]`.
 */
import fc from 'fast-check';

export type SourceKind = 'array' | 'generator' | 'async-iterable' | 'readable-stream';

export interface CutPlan {
  /** Sorted, distinct cut offsets strictly inside the body. */
  cuts: number[];
  /** Empty pieces are inserted at these cuts too (a source may yield zero bytes). */
  empties: number[];
  source: SourceKind;
}

/**
 * Offsets where a cut is interesting: every byte of a multi-byte character (the cut falls
 * before, inside or after it), between CR and LF, every byte of `data:` / `data: `, every byte of
 * a `\uXXXX` escape, around every LF, and inside `[DONE]`.
 */
export function interestingOffsets(body: Uint8Array): number[] {
  const set = new Set<number>();
  const add = (from: number, to: number) => {
    for (let i = Math.max(1, from); i <= Math.min(body.length - 1, to); i++) set.add(i);
  };
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b >= 0xc0) {
      const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      add(i, i + size); // before, inside and after the character
    } else if (b === 13 && body[i + 1] === 10) add(i, i + 2);
    else if (b === 10) add(i - 1, i + 1);
    else if (b === 0x64 /* d */ && body[i + 1] === 0x61 && body[i + 2] === 0x74 && body[i + 3] === 0x61 && body[i + 4] === 0x3a) add(i, i + 6);
    else if (b === 0x5c /* \ */ && body[i + 1] === 0x75 /* u */) add(i, i + 6);
    else if (b === 0x5b /* [ */ && body[i + 1] === 0x44 /* D */) add(i, i + 6);
  }
  return [...set].sort((a, b) => a - b);
}

/** A fast-check arbitrary of cut plans for `body`. */
export function cutPlan(body: Uint8Array): fc.Arbitrary<CutPlan> {
  const n = body.length;
  const special = interestingOffsets(body);
  const uniform = fc.integer({ min: 1, max: Math.max(1, n - 1) });
  const near = special.length > 0 ? fc.constantFrom(...special) : uniform;
  const point = fc.oneof({ weight: 1, arbitrary: uniform }, { weight: 3, arbitrary: near });
  const source = fc.constantFrom<SourceKind>('array', 'array', 'generator', 'async-iterable', 'readable-stream');
  const everyByte = fc.constant(Array.from({ length: Math.max(0, n - 1) }, (_, i) => i + 1));
  const dense = fc.integer({ min: 1, max: 7 }).map((step) => Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step).filter((x) => x > 0));
  const cuts = fc.oneof(
    { weight: 6, arbitrary: fc.array(point, { minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.array(near, { minLength: 1, maxLength: 200 }) },
    { weight: 1, arbitrary: dense },
    { weight: 1, arbitrary: everyByte },
  );
  return fc
    .record({ cuts, empties: fc.array(uniform, { maxLength: 3 }), source })
    .map(({ cuts, empties, source }) => {
      const plan: CutPlan = { cuts: normalize(cuts, n), empties: normalize(empties, n), source };
      // fast-check prints counter-examples with this: short, even for one cut per byte.
      Object.defineProperty(plan, fc.toStringMethod, { value: () => describePlan(plan), enumerable: false });
      return plan;
    });
}

function normalize(points: number[], n: number): number[] {
  return [...new Set(points.filter((p) => p > 0 && p < n))].sort((a, b) => a - b);
}

/** `body` cut at the plan's offsets (copies, so nothing can alias the original buffer). */
export function piecesOf(body: Uint8Array, plan: Pick<CutPlan, 'cuts' | 'empties'>): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  const empties = new Set(plan.empties);
  let from = 0;
  for (const to of [...plan.cuts, body.length]) {
    pieces.push(body.slice(from, to));
    if (empties.has(to)) pieces.push(new Uint8Array(0));
    from = to;
  }
  return pieces;
}

/** The pieces as the byte source the plan names. */
export function sourceOf(pieces: Uint8Array[], kind: SourceKind): Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> {
  switch (kind) {
    case 'array':
      return pieces;
    case 'generator':
      return (function* () {
        yield* pieces;
      })();
    case 'async-iterable':
      return (async function* () {
        for (const piece of pieces) yield piece;
      })();
    case 'readable-stream': {
      let i = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i < pieces.length) controller.enqueue(pieces[i++]!);
          else controller.close();
        },
      });
    }
  }
}

/** Shows a plan short enough for a failure message. */
export function describePlan(plan: CutPlan): string {
  const every = plan.cuts.length > 1 && plan.cuts.every((c, i) => c === i + 1);
  const cuts = every
    ? `every byte (${plan.cuts.length} cuts)`
    : plan.cuts.length > 30
      ? `${plan.cuts.slice(0, 30).join(',')},… (${plan.cuts.length} cuts)`
      : plan.cuts.join(',');
  return `${plan.source} cut at [${cuts}]${plan.empties.length ? ` with empty pieces at [${plan.empties.join(',')}]` : ''}`;
}
