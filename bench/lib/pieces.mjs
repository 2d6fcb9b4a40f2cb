// Delivering a body the way a network does: in 1–4 KiB pieces of seeded sizes, as a web
// ReadableStream. The pieces are fresh Uint8Array copies for every run (built before the
// clock starts), so no contestant reads bytes another one already consumed.
import { readFileSync } from 'node:fs';
import { createRandom } from './prng.mjs';

/** The body as a plain Uint8Array (not a Buffer: `slice` must copy). */
export function loadBody(file) {
  const buffer = readFileSync(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** [start, end) byte offsets of 1024–4096-byte pieces, the same for a given seed. */
export function cutPoints(length, seed) {
  const random = createRandom(`pieces/${seed}`);
  const cuts = [];
  for (let at = 0; at < length; ) {
    const end = Math.min(length, at + random.int(1024, 4096));
    cuts.push(at, end);
    at = end;
  }
  return cuts;
}

/** Fresh copies of the pieces. */
export function freshPieces(body, cuts) {
  const pieces = new Array(cuts.length / 2);
  for (let i = 0; i < cuts.length; i += 2) pieces[i / 2] = body.slice(cuts[i], cuts[i + 1]);
  return pieces;
}

/** A pull-based byte stream over prepared pieces: one piece per read, like a socket. */
export function streamOf(pieces) {
  let i = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (i < pieces.length) {
          controller.enqueue(pieces[i]);
          pieces[i++] = undefined; // let a consumed piece be collected, as on a real socket
        } else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
