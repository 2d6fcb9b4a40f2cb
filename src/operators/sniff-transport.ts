import type { TransportName } from '../assembly/assembler.js';
import { transportFromFirstBytes } from '../providers/detect.js';

/**
 * The transport of a body whose provider was not named, from its first bytes. Pieces are kept
 * until a non-blank byte arrives; the first three bytes are looked at together, since a BOM may
 * arrive cut (a lone 0xEF is not SSE text).
 */
export function createTransportSniffer() {
  const waiting: Uint8Array[] = [];
  let sniffed = 0;
  return {
    /** Keeps `piece`; returns the transport once it is known. */
    push(piece: Uint8Array): TransportName | undefined {
      waiting.push(piece);
      if (sniffed >= 3) return transportFromFirstBytes(piece);
      const head = concat(waiting);
      sniffed = head.byteLength;
      return head.byteLength < 3 && isBomStart(head) ? undefined : transportFromFirstBytes(head);
    },
    /** The pieces kept so far, handed over once. */
    take(): Uint8Array[] {
      return waiting.splice(0);
    },
  };
}

const BOM = [0xef, 0xbb, 0xbf];

/** True when `bytes` (shorter than 3) are the start of a UTF-8 BOM. */
function isBomStart(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] !== BOM[i]) return false;
  return true;
}

function concat(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  let length = 0;
  for (const p of pieces) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

