/**
 * UTF-8 helpers for error reporting. The decoders decode with a fatal `TextDecoder` (fast,
 * native); these only run once it has thrown, to say exactly which byte was wrong.
 */

/**
 * Index of the first byte that cannot start or continue a valid UTF-8 sequence (the WHATWG
 * decoder's rules: no overlongs, no surrogates, nothing above U+10FFFF), or -1 when `bytes` is
 * valid. `bytes` must start on a character boundary. With `final` false, an incomplete sequence
 * at the end is fine (more bytes may follow); with `final` true it is invalid.
 */
export function firstInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0; // overlong
      if (b === 0xed) upper = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90; // overlong
      if (b === 0xf4) upper = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * How many bytes at the end of `bytes` (which is valid UTF-8 so far) begin a character that is
 * not complete yet: what a streaming TextDecoder would hold back (see Utf8Carry).
 */
export function incompleteUtf8Suffix(bytes: Uint8Array, length = bytes.length): number {
  for (let back = 1; back <= 3 && back <= length; back++) {
    const b = bytes[length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return size > back ? back : 0;
  }
  return 0;
}

/**
 * The bytes of a character cut at the end of a piece, carried over to the next piece, so that the
 * decoders can decode each piece in one plain (non-streaming) TextDecoder call: Node 20's decoder
 * leaves its fast path with `stream: true`. Bytes that cannot begin a valid character are not
 * held back, so that they fail at once.
 */
export class Utf8Carry {
  /** The bytes held back (a copy: the caller may reuse its buffer), or undefined. */
  held: Uint8Array | undefined = undefined;

  get length(): number {
    return this.held === undefined ? 0 : this.held.byteLength;
  }

  /** What can be decoded now: the held bytes, then `piece`, without the start of a character cut at its end (held for the next call). */
  take(piece: Uint8Array): Uint8Array {
    let region = piece;
    if (this.held !== undefined) {
      region = new Uint8Array(this.held.byteLength + piece.byteLength);
      region.set(this.held);
      region.set(piece, this.held.byteLength);
      this.held = undefined;
    }
    const cut = incompleteUtf8Suffix(region);
    if (cut === 0 || firstInvalidUtf8(region.subarray(region.byteLength - cut), false) !== -1) return region;
    this.held = region.slice(region.byteLength - cut);
    return region.subarray(0, region.byteLength - cut);
  }
}
