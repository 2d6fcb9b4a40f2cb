/** What every transport decoder is: bytes pushed in (cut anywhere), messages out to its sink. */
export interface ByteDecoder {
  feed(piece: Uint8Array | string): void;
  /** The byte stream ended. */
  end(): void;
  /** Bytes fed so far. */
  readonly bytes: number;
}
