import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChunkwiseError, LimitError, assemble, streamEvents } from '../../src/index.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { failure } from '../helpers/robustness-corpus.js';

/*
 * Limits: an SSE event or NDJSON line above `maxEventSize`, or a body above `maxTotalBytes`,
 * fails with a LimitError carrying the partial object; and memory stays bounded: the error
 * arrives before the decoder has taken much more than the limit from the source, counted in
 * pieces pulled.
 */

const KB = 1024;
const MB = 1024 * KB;
const PIECE = 64 * KB;
const encoder = new TextEncoder();
const HEAD = { id: 'chatcmpl-l', object: 'chat.completion.chunk', created: 1, model: 'm' };
const sseChunk = (content: string) => `data: ${JSON.stringify({ ...HEAD, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const ndjsonLine = (content: string, done = false) => `${JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content }, done })}\n`;


/** A lazy source: `head` first, then 64 KB pieces of `fill` (never a line end) up to `total` bytes; counts what was pulled. */
function endless(head: string, fill: string, total: number) {
  const counter = { pulled: 0, bytes: 0 };
  // Consecutive PIECE-byte slices of `fill` repeated: a multi-byte character may be cut
  // between two pieces, and the bytes stay valid UTF-8 across them.
  const unit = encoder.encode(fill);
  const run = encoder.encode(fill.repeat(Math.ceil(PIECE / unit.length) + 2));
  let offset = 0;
  const nextBlock = () => {
    const block = run.slice(offset, offset + PIECE);
    offset = (offset + PIECE) % unit.length;
    return block;
  };
  function* pieces(): Generator<Uint8Array> {
    const first = encoder.encode(head);
    counter.pulled++;
    counter.bytes += first.length;
    yield first;
    while (counter.bytes < total) {
      const block = nextBlock();
      counter.pulled++;
      counter.bytes += block.length;
      yield block;
    }
  }
  return { source: pieces(), counter };
}

/** The same as a pull-based ReadableStream (what fetch gives), with no read-ahead. */
function endlessStream(head: string, fill: string, total: number) {
  const { source, counter } = endless(head, fill, total);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

/** The head, the pieces that hold `limit` counted units (`bytesPerUnit` bytes each), and one more. */
const mostPieces = (limit: number, bytesPerUnit = 1) => Math.ceil((limit * bytesPerUnit) / PIECE) + 2;

describe('maxEventSize: a LimitError before more than the limit (and one piece) was taken', () => {
  const cases = [
    // bytesPerUnit: the SSE limit counts characters of data (a data line also has `data: ` and
    // its LF), the NDJSON limit counts bytes.
    { name: 'an SSE data line without an end', head: sseChunk('Hi') + 'data: {"choices":[{"delta":{"content":"', fill: 'x', bytesPerUnit: 1 },
    { name: 'an SSE event of many short data lines', head: sseChunk('Hi') + 'data: {"choices":\n', fill: `data: ${'x'.repeat(73)}\n`, bytesPerUnit: 80 / 74 },
    { name: 'an SSE data line of multi-byte characters', head: sseChunk('Hi') + 'data: "', fill: 'é世😀', bytesPerUnit: 9 / 3 },
    { name: 'an NDJSON line without an end', head: ndjsonLine('Hi') + '{"model":"m","message":{"content":"', fill: 'y', bytesPerUnit: 1 },
    { name: 'an NDJSON line of multi-byte characters', head: ndjsonLine('Hi') + '{"model":"m","message":{"content":"', fill: 'é世😀', bytesPerUnit: 1 },
  ];

  test.each(cases)('$name: 10 MB in 64 KB pieces, maxEventSize 1 MB (sync iterable)', async ({ head, fill, bytesPerUnit }) => {
    const { source, counter } = endless(head, fill, 10 * MB);
    const error = await failure(assemble(source, { maxEventSize: MB }));
    expect(error).toBeInstanceOf(LimitError);
    expect(error.code).toBe('limit');
    expect((error as LimitError).limit).toBe(MB);
    expect((error as LimitError).limitName).toBe('maxEventSize');
    expect(error.message).toMatch(/maxEventSize/);
    expect(counter.pulled).toBeLessThanOrEqual(mostPieces(MB, bytesPerUnit));
    expect(counter.bytes).toBeLessThan(MB * bytesPerUnit + 2 * PIECE + head.length);
    // The chunk before the long one is not lost.
    const partial = error.partial as any;
    expect(partial.choices?.[0]?.message?.content ?? partial.message?.content).toBe('Hi');
  });

  test('an endless synchronous source stops being pulled at the error (no hang)', async () => {
    let pulled = 0;
    function* forever() {
      yield encoder.encode(sseChunk('Hi') + 'data: "');
      for (;;) {
        pulled++;
        yield encoder.encode('z'.repeat(PIECE));
      }
    }
    expect(await failure(assemble(forever(), { maxEventSize: MB }))).toBeInstanceOf(LimitError);
    expect(pulled).toBeLessThanOrEqual(mostPieces(MB));
  });

  test('an endless synchronous source stops being pulled once the response is complete (no hang)', async () => {
    let pulled = 0;
    function* forever() {
      yield encoder.encode(ndjsonLine('Hi') + ndjsonLine('', true));
      for (;;) {
        pulled++;
        yield encoder.encode(ndjsonLine(' more'));
      }
    }
    expect(((await assemble(forever())) as any).message.content).toBe('Hi');
    expect(pulled).toBe(0);
  });

  test.each(cases)('$name: the same from a pull-based ReadableStream', async ({ head, fill, bytesPerUnit }) => {
    const { stream, counter } = endlessStream(head, fill, 10 * MB);
    const error = await failure(assemble(stream, { maxEventSize: MB }));
    expect(error).toBeInstanceOf(LimitError);
    expect(counter.pulled).toBeLessThanOrEqual(mostPieces(MB, bytesPerUnit) + 1);
  });

  test('through streamEvents the events before the long event arrive, then the LimitError', async () => {
    const { source } = endless(sseChunk('Hi') + sseChunk(' there') + 'data: "', 'z', 4 * MB);
    const deltas: string[] = [];
    const error = await new Promise<unknown>((resolve) =>
      streamEvents(source, { maxEventSize: 256 * KB }).subscribe({ next: (e) => e.type === 'content.delta' && deltas.push(e.delta), error: resolve }),
    );
    expect(error).toBeInstanceOf(LimitError);
    expect(deltas).toEqual(['Hi', ' there']);
  });

  test('a data line of exactly maxEventSize characters (field name included) passes; one more fails, however cut', async () => {
    // maxEventSize bounds every line (`data: ` included) and every event's data, in characters.
    const limit = 4096;
    const frame = (n: number) => JSON.stringify({ ...HEAD, choices: [{ index: 0, delta: { content: 'a'.repeat(n) }, finish_reason: 'stop' }] });
    const overhead = 'data: '.length + frame(0).length;
    const exact = `data: ${frame(limit - overhead)}\n\ndata: [DONE]\n\n`;
    const result: any = await assemble(exact, { maxEventSize: limit });
    expect(result.choices[0].message.content).toHaveLength(limit - overhead);
    const over = `data: ${frame(limit - overhead + 1)}\n\ndata: [DONE]\n\n`;
    expect(await failure(assemble(over, { maxEventSize: limit }))).toBeInstanceOf(LimitError);
    for (const cut of [1, 7, 100, 4000, 4096, 4097, 4100]) {
      const bytes = encoder.encode(over);
      expect(await failure(assemble([bytes.slice(0, cut), bytes.slice(cut)], { maxEventSize: limit }))).toBeInstanceOf(LimitError);
      const ok = encoder.encode(exact);
      expect(((await assemble([ok.slice(0, cut), ok.slice(cut)], { maxEventSize: limit })) as any).choices[0].finish_reason).toBe('stop');
    }
  });

  test('an NDJSON line of exactly maxEventSize bytes passes; one more fails', async () => {
    const limit = 4096;
    const line = (n: number) => JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content: 'é'.repeat(n / 2) + 'a'.repeat(n % 2) }, done: true, done_reason: 'stop' });
    const overhead = encoder.encode(line(0)).length;
    const exact = `${line(limit - overhead)}\n`;
    expect(encoder.encode(exact).length).toBe(limit + 1);
    const result: any = await assemble(exact, { maxEventSize: limit });
    expect(result.done).toBe(true);
    const over = `${line(limit - overhead + 1)}\n`;
    const error = await failure(assemble(over, { maxEventSize: limit }));
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).limitName).toBe('maxEventSize');
  });
});

describe('maxTotalBytes', () => {
  test('a body above it fails with a LimitError and the partial object, pulling at most one piece past it', async () => {
    const counter = { pulled: 0 };
    function* pieces() {
      for (let i = 0; i < 10_000; i++) {
        counter.pulled++;
        yield sseChunk(`w${i} `);
      }
    }
    const one = encoder.encode(sseChunk('w0 ')).length;
    const error = await failure(assemble(pieces(), { maxTotalBytes: 100 * one }));
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).limitName).toBe('maxTotalBytes');
    expect(counter.pulled).toBeLessThanOrEqual(102);
    const content = (error.partial as any).choices[0].message.content as string;
    expect(content.startsWith('w0 w1 w2 ')).toBe(true);
    expect(content.split(' ').length - 1).toBeGreaterThanOrEqual(99);
  });

  test('a body of exactly maxTotalBytes passes', async () => {
    const body = `${sseChunk('a')}data: ${JSON.stringify({ ...HEAD, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
    const size = encoder.encode(body).length;
    expect(((await assemble(body, { maxTotalBytes: size })) as any).choices[0].message.content).toBe('a');
    expect(await failure(assemble(body, { maxTotalBytes: size - 1 }))).toBeInstanceOf(LimitError);
  });

  describe('from a real HTTP server', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(async () => {
      await server.close();
    });

    test('the client closes the connection once the body passes maxTotalBytes', async () => {
      const pending = failure(assemble(fetch(server.url), { maxTotalBytes: 256 * KB }));
      const exchange = await server.nextExchange();
      let written = 0;
      let closed = false;
      void exchange.closed.then(() => (closed = true));
      while (!closed && written < 50 * MB) {
        const piece = sseChunk('x'.repeat(8 * KB));
        // (A write queued when the client closes may never call back: race it with the close.)
        await Promise.race([exchange.write(piece).catch(() => {}), exchange.closed]);
        written += piece.length;
      }
      const error = await pending;
      expect(error).toBeInstanceOf(LimitError);
      expect(await exchange.closed).toEqual({ byClient: true });
      expect(written).toBeLessThan(10 * MB);
    });
  });
});
