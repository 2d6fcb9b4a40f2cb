/**
 * Texts that grow by one stream fragment at a time (content, `response`, reasoning, tool-call
 * arguments) stay one string, so that snapshots share them in O(1). But `a + b` in V8 makes a
 * cons string (a pair of pointers): appended a fragment at a time, a long text is a chain of one
 * per fragment, each fragment a small string of its own, which the GC copies out of the young
 * generation, promotes and walks on every major collection (so the collector's share of the time
 * grows with the length of the stream).
 *
 * So the text is kept as a finished head and an open tail: fragments are appended to the tail,
 * and every SEGMENT fragments the tail is flattened (reading a character makes V8 copy it into
 * one flat string) and joins the head. The fragments then die young, the text is a short chain
 * of flat segments, and each character is copied once.
 */
export interface TextGrowth {
  /** The text up to the open segment: a chain of flat segments. */
  head: string;
  /** The open segment: the fragments since the last flattening. */
  tail: string;
  /** Fragments in `tail`. */
  pieces: number;
  /** Characters copied by flattening so far (each at most once). */
  copied: number;
}

/** Fragments a segment: few enough that they are flattened before a young-generation collection copies them (the bench's long Ollama bodies show the difference), enough that flattening stays rare. */
const SEGMENT = 256;

/** Growth state for a text that starts as `initial`. */
export function createTextGrowth(initial = ''): TextGrowth {
  return { head: initial, tail: '', pieces: 0, copied: 0 };
}

/** The text with `piece` appended (see above). */
export function appendText(growth: TextGrowth, piece: string): string {
  if (++growth.pieces < SEGMENT) {
    growth.tail += piece;
    return growth.head + growth.tail;
  }
  const tail = growth.tail + piece;
  tail.charCodeAt(0);
  growth.copied += tail.length;
  growth.head += tail;
  growth.tail = '';
  growth.pieces = 0;
  return growth.head;
}
