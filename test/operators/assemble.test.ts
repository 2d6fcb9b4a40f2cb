import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, Observable, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  assemble,
  ChunkwiseError,
  createPipeline,
  HttpError,
  ParseError,
  ProviderError,
  streamEvents,
  streamResponse,
  TruncatedStreamError,
} from '../../src/index.js';

const REFERENCE = join(__dirname, '../fixtures/reference-streams');
const reference = (name: string) => readFileSync(join(REFERENCE, name));

const chunk = (delta: object, finish: string | null = null, index = 0) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index, delta, logprobs: null, finish_reason: finish }] })}\n\n`;

const HELLO = chunk({ role: 'assistant', content: 'Hel' }) + chunk({ content: 'lo' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';

/** An async iterable that counts how often it is started and can be cut short. */
function countingSource(pieces: string[]) {
  const stats = { started: 0, returned: 0 };
  const iterable: AsyncIterable<string> = {
    [Symbol.asyncIterator]() {
      stats.started++;
      let i = 0;
      return {
        async next() {
          await new Promise((r) => setTimeout(r, 1));
          return i < pieces.length ? { value: pieces[i++]!, done: false } : { value: undefined, done: true };
        },
        async return() {
          stats.returned++;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, stats };
}

describe('assemble', () => {
  it('assembles a plain string body into the chat.completion object', async () => {
    const completion: any = await assemble(HELLO);
    expect(completion).toMatchObject({
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop', logprobs: null }],
    });
  });

  it('detects OpenAI SSE and Ollama NDJSON from the first bytes, past a BOM and blank lines', async () => {
    const sse: any = await assemble(`\uFEFF\n\n${HELLO}`);
    expect(sse.object).toBe('chat.completion');
    const ollama: any = await assemble(reference('ollama-generate-dolphin3-context.ndjson'));
    expect(ollama.done).toBe(true);
    expect(typeof ollama.response).toBe('string');
    expect(Array.isArray(ollama.context)).toBe(true);
  });

  it('detects the provider from the content type of a Response', async () => {
    const body = reference('ollama-chat-gemma3-plain.ndjson');
    const final: any = await assemble(new Response(body, { headers: { 'content-type': 'application/x-ndjson' } }));
    expect(final.message.role).toBe('assistant');
    expect(final.done_reason).toBe('stop');
  });

  it('matches the expected choices of the real OpenAI recordings', async () => {
    for (const name of ['openai-chat-text-usage', 'openai-chat-tool-call-single', 'openai-chat-refusal']) {
      const final: any = await assemble(reference(`${name}.sse`));
      const expected = JSON.parse(readFileSync(join(REFERENCE, `${name}.expected.json`), 'utf8'));
      for (const [i, choice] of expected.choices.entries()) {
        const actual = final.choices[i];
        expect(actual.finish_reason, name).toBe(choice.finish_reason);
        expect(actual.message.content, name).toBe(choice.message.content);
        expect(actual.message.refusal, name).toBe(choice.message.refusal);
        for (const [k, call] of (choice.message.tool_calls ?? []).entries()) {
          expect(actual.message.tool_calls[k], name).toMatchObject(call);
        }
      }
    }
  });

  it('fails with a TruncatedStreamError that carries the partial completion', async () => {
    const error = await assemble(chunk({ role: 'assistant', content: 'Hel' }) + chunk({ content: 'lo' })).catch((e) => e);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error.code).toBe('truncated');
    expect(error.partial.choices[0].message.content).toBe('Hello');
  });

  it('returns the partial completion of a cut stream in lenient mode', async () => {
    const final: any = await assemble(chunk({ role: 'assistant', content: 'Hel' }), { lenient: true });
    expect(final.choices[0].message.content).toBe('Hel');
    expect(final.choices[0].finish_reason).toBeNull();
  });

  it('reports a mid-stream provider error with the partial completion', async () => {
    const body = chunk({ role: 'assistant', content: 'Par' }) + 'data: {"error":{"message":"overloaded","type":"server_error","code":"busy","status_code":503}}\n\n';
    const error = await assemble(body).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.providerMessage).toBe('overloaded');
    expect(error.status).toBe(503);
    expect(error.partial.choices[0].message.content).toBe('Par');
  });

  it('names the event and shows an excerpt when an SSE event is not JSON', async () => {
    const error = await assemble(chunk({ role: 'assistant', content: 'a' }) + 'data: {"id": nope}\n\n').catch((e) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error.event).toBe(2);
    expect(error.message).toContain('event 2');
    expect(error.message).toContain('{"id": nope}');
    expect(error.partial.choices[0].message.content).toBe('a');
  });

  it('takes the events of one piece in a batch, yet the first failure wins and all before it are applied and emitted', async () => {
    const ok = chunk({ role: 'assistant', content: 'a' }) + chunk({ content: 'b' });
    const badShape = 'data: {"choices":[{"index":0,"delta":3}]}\n\n';
    const badJson = 'data: {"id": nope}\n\n';
    for (const [body, event, text] of [
      [ok + badShape + badJson, 3, 'choices[0].delta must be an object'],
      [ok + badJson + badShape, 3, 'not valid JSON'],
    ] as const) {
      // One piece (a string body), and the same body a byte at a time: the same outcome.
      for (const source of [body, [...body]]) {
        const seen: string[] = [];
        const error: any = await new Promise((resolve, reject) =>
          streamEvents(source, { provider: 'openai' }).subscribe({
            next: (e) => e.type === 'content.delta' && seen.push(e.delta),
            error: resolve,
            complete: () => reject(new Error('completed')),
          }),
        );
        expect(error).toBeInstanceOf(ParseError);
        expect(error.event).toBe(event);
        expect(error.message).toContain(text);
        expect(error.partial.choices[0].message.content).toBe('ab');
        expect(seen).toEqual(['a', 'b']);
      }
    }
  });

  it('createPipeline: bytes fed from inside an event handler come after the batch in hand, in order', () => {
    // Two chunks in the first piece; on the first delta the handler feeds the rest and ends.
    const encode = (text: string) => new TextEncoder().encode(text);
    const first = chunk({ role: 'assistant', content: 'a' }) + chunk({ content: 'b' });
    const rest = chunk({ content: 'c' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
    const deltas: string[] = [];
    let final: any;
    const pipeline = createPipeline(
      { provider: 'openai' },
      {
        event: (e) => {
          if (e.type !== 'content.delta') return;
          deltas.push(e.delta);
          if (e.delta === 'a') {
            pipeline.feed(encode(rest));
            pipeline.end();
          }
        },
        final: (response) => (final = response),
        error: (e) => {
          throw e;
        },
      },
    );
    pipeline.feed(encode(first));
    expect(deltas).toEqual(['a', 'b', 'c']);
    expect(final.choices[0].message.content).toBe('abc');
    expect(final.choices[0].finish_reason).toBe('stop');
  });

  it('stops an Ollama stream at its done line inside a piece, and reports a bad line after the ones before it', async () => {
    const line = (content: string, done = false) =>
      `${JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop' } : {}) })}\n`;
    const final: any = await assemble(line('Hel') + line('lo') + line('', true) + 'not even json\n');
    expect(final.message.content).toBe('Hello');
    expect(final.done_reason).toBe('stop');
    const error = await assemble(line('Hel') + line('lo') + '{"model": nope}\n' + line('x')).catch((e) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error.line).toBe(3);
    expect(error.partial.message.content).toBe('Hello');
  });

  it('turns a non-2xx Response into an HttpError with the provider message', async () => {
    const response = new Response(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
    const error = await assemble(response).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(401);
    expect(error.providerMessage).toBe('Incorrect API key provided');
    expect(error.message).toContain('Incorrect API key provided');
  });

  it('rejects an unknown provider name with a usage error', async () => {
    const error = await assemble(HELLO, { provider: 'anthropic' as never }).catch((e) => e);
    expect(error).toBeInstanceOf(ChunkwiseError);
    expect(error.code).toBe('usage');
  });
});

describe('an RxJS Observable of bytes as the source', () => {
  it('a Subject fed piece by piece (cut through a character) assembles to what the whole body gives', async () => {
    const body = reference('ollama-chat-gemma3-plain.ndjson');
    const subject = new Subject<Uint8Array>();
    const assembled = assemble(subject, { provider: 'ollama' });
    for (let at = 0; at < body.length; at += 7) subject.next(body.subarray(at, at + 7));
    subject.complete();
    expect(await assembled).toEqual(await assemble(body, { provider: 'ollama' }));
  });

  it('once the final object is there, the source is let go of, even one that never stops sending', async () => {
    const record = { pieces: 0, unsubscribed: 0 };
    const endless = new Observable<string>((subscriber) => {
      subscriber.next(HELLO);
      const timer = setInterval(() => {
        record.pieces++;
        subscriber.next(': keep-alive\n\n');
      }, 1);
      return () => {
        clearInterval(timer);
        record.unsubscribed++;
      };
    });
    const completion: any = await assemble(endless, { provider: 'openai' });
    expect(completion.choices[0].message.content).toBe('Hello');
    expect(record.unsubscribed).toBe(1);
    expect(record.pieces).toBe(0);
  });
});

describe('streamEvents', () => {
  it('ends with a done event that carries the final object', async () => {
    const events = await lastValueFrom(streamEvents(HELLO).pipe(toArray()));
    const types = events.map((e) => e.type);
    expect(types[types.length - 1]).toBe('done');
    expect(types).toContain('content.delta');
    const done = events[events.length - 1] as Extract<(typeof events)[number], { type: 'done' }>;
    expect((done.response as any).choices[0].message.content).toBe('Hello');
  });

  it('gives each content delta with its choice and the content so far', async () => {
    const events = await lastValueFrom(streamEvents(HELLO).pipe(toArray()));
    const deltas = events.filter((e) => e.type === 'content.delta');
    expect(deltas.map((e) => [e.choice, (e as any).delta, (e as any).content])).toEqual([
      [0, 'Hel', 'Hel'],
      [0, 'lo', 'Hello'],
    ]);
  });
});

describe('streamResponse', () => {
  it('serves several subscribers from one upstream request', async () => {
    const { iterable, stats } = countingSource([chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), 'data: [DONE]\n\n']);
    const stream = streamResponse(iterable, { provider: 'openai' });
    const texts: string[] = [];
    stream.text$.subscribe((t) => texts.push(t));
    const events = lastValueFrom(stream.events$.pipe(toArray()));
    const final = await stream.final;
    expect(final.choices[0].message.content).toBe('Hello');
    expect((await events).at(-1)!.type).toBe('done');
    expect(texts).toEqual(['Hel', 'Hello']);
    expect(stats.started).toBe(1);
  });

  it('gives a late subscriber the current snapshot first', async () => {
    const gate = new Subject<void>();
    const pieces = [chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), 'data: [DONE]\n\n'];
    const iterable: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        yield pieces[0]!;
        yield pieces[1]!;
        await firstValueFrom(gate);
        yield pieces[2]!;
        yield pieces[3]!;
      },
    };
    const stream = streamResponse(iterable, { provider: 'openai' });
    const seen: Array<unknown> = [];
    stream.snapshots$.subscribe((s) => seen.push(s.choices[0].message.content));
    await new Promise((r) => setTimeout(r, 20));
    const late = await firstValueFrom(stream.snapshots$);
    expect(late.choices[0].message.content).toBe('Hello');
    gate.next();
    await stream.final;
    expect(seen[0]).toBe('Hel');
  });

  it('iterates its events with for await', async () => {
    const types: string[] = [];
    for await (const event of streamResponse(HELLO)) types.push(event.type);
    expect(types.at(-1)).toBe('done');
    expect(types.filter((t) => t === 'content.delta')).toHaveLength(2);
  });

  it('aborts the upstream and rejects with an AbortError that carries the partial completion', async () => {
    const gate = new Subject<void>();
    let cancelled = false;
    const iterable: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          async next() {
            if (i++ === 0) return { value: chunk({ role: 'assistant', content: 'Part' }), done: false };
            await firstValueFrom(gate);
            return { value: undefined, done: true };
          },
          async return() {
            cancelled = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
    const stream = streamResponse(iterable, { provider: 'openai' });
    const final = stream.final.catch((e) => e);
    await new Promise((r) => setTimeout(r, 10));
    expect(stream.snapshot()?.choices[0].message.content).toBe('Part');
    stream.abort();
    const error = await final;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.partial.choices[0].message.content).toBe('Part');
    expect(cancelled).toBe(true);
  });
});
