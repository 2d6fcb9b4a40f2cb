// Byte helpers shared by the transport tests: real reference bodies, UTF-8, and fixed-size cuts.
import { readFileSync } from 'node:fs';

const REFERENCE = new URL('../fixtures/reference-streams/', import.meta.url);

/** A body from `test/fixtures/reference-streams/`, as bytes. */
export const reference = (name: string) => new Uint8Array(readFileSync(new URL(name, REFERENCE)));
export const utf8 = (text: string) => new TextEncoder().encode(text);
export const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

/** Cuts `bytes` into pieces of `size` bytes (the last may be shorter). */
export function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.slice(i, i + size));
  return pieces;
}

/** Whether a streaming fatal TextDecoder takes `bytes` (a character cut at the end may be completed later). */
export function streamingDecoderAccepts(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
