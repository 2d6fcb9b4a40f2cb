import { readFileSync } from 'node:fs';

const encoder = new TextEncoder();

/** A recording's SSE messages, and an upstream the test feeds by hand: some now, the rest when it says. */
export function gatedRecording(file: string) {
  const messages = readFileSync(file, 'utf8').split(/(?<=\n\n)/);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    messages,
    whole: () => new Response(messages.join(''), { headers: { 'content-type': 'text/event-stream' } }),
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send: (from: number, to: number) => messages.slice(from, to).forEach((m) => controller.enqueue(encoder.encode(m))),
    end: () => controller.close(),
  };
}
