/**
 * Texts that grow by one stream fragment at a time (content, `response`) stay one string, so
 * that snapshots share them in O(1). But `a + b` in V8 makes a cons string (a pair of pointers):
 * appended a fragment at a time, a 1 MB text is a chain of 200,000 of them, which the GC
 * promotes and walks on every major collection (at 200k tokens the collector took twice the
 * share of the time it took at 20k). So the text is flattened (reading a character makes V8
 * copy it into one flat string) every so often: after 4096 fragments, and only once the
 * characters appended since the last flattening are at least 1/16 of the text then, which keeps
 * the copying linear (at most 16 copies of the final text in all).
 */
export interface TextGrowth {
  /** Fragments appended since the last flattening. */
  pieces: number;
  /** Length of the text at the last flattening. */
  flatLength: number;
}

export function createTextGrowth(): TextGrowth {
  return { pieces: 0, flatLength: 0 };
}

/** `text + piece`, flattened now and then (see above). */
export function appendText(growth: TextGrowth, text: string, piece: string): string {
  const out = text + piece;
  if (++growth.pieces >= 4096 && (out.length - growth.flatLength) * 16 >= growth.flatLength) {
    out.charCodeAt(0);
    growth.pieces = 0;
    growth.flatLength = out.length;
  }
  return out;
}
