// Type tests (vitest typecheck runs tsc on this file): the public functions are typed by the
// provider named, and by a union that narrows when none is.
import { describe, expectTypeOf, it } from 'vitest';
import {
  assemble,
  streamEvents,
  streamFinal,
  streamResponse,
  type AssembledResponse,
  type ChatCompletion,
  type ChatCompletionChunk,
  type OllamaResponse,
  type ProviderEvent,
  type ResponsesApiResponse,
  isResponsesApiResponse,
  type StreamEvent,
} from '../../src/index.js';

declare const res: Response;

describe('with a provider named', () => {
  it('assemble returns that provider\'s final object', async () => {
    const completion = await assemble(res, { provider: 'openai' });
    expectTypeOf(completion).toEqualTypeOf<ChatCompletion>();
    expectTypeOf(completion.choices[0]!.message.content).toEqualTypeOf<ChatCompletion['choices'][number]['message']['content']>();
    expectTypeOf(await assemble(res, { provider: 'groq' })).toEqualTypeOf<ChatCompletion>();
    expectTypeOf(await assemble(res, { provider: 'ollama' })).toEqualTypeOf<OllamaResponse>();
  });

  it('streamResponse types final, snapshots and the done event', async () => {
    const stream = streamResponse(res, { provider: 'openai' });
    expectTypeOf(stream.final).resolves.toEqualTypeOf<ChatCompletion>();
    expectTypeOf(stream.snapshot()).toEqualTypeOf<ChatCompletion | undefined>();
    for await (const event of stream) {
      if (event.type === 'done') expectTypeOf(event.response).toEqualTypeOf<ChatCompletion>();
      if (event.type === 'chunk') expectTypeOf(event.chunk).toEqualTypeOf<ChatCompletionChunk>();
      if (event.type === 'content.delta') expectTypeOf(event.snapshot()).toEqualTypeOf<ChatCompletion>();
    }
  });

  it('streamEvents and streamFinal carry the same types', () => {
    streamEvents(res, { provider: 'ollama' }).subscribe((event) => {
      if (event.type === 'done') expectTypeOf(event.response).toEqualTypeOf<OllamaResponse>();
    });
    streamFinal(res, { provider: 'openai' }).subscribe((result) => {
      expectTypeOf(result.response).toEqualTypeOf<ChatCompletion>();
      expectTypeOf(result.provider).toEqualTypeOf<'openai'>();
    });
  });
});

describe('with no provider named', () => {
  it('assemble returns the union of the final objects, which narrows', async () => {
    const response = await assemble(res);
    expectTypeOf(response).toEqualTypeOf<AssembledResponse>();
    expectTypeOf(response).toEqualTypeOf<ChatCompletion | OllamaResponse | ResponsesApiResponse>();
    expectTypeOf(response).not.toBeAny();
    expectTypeOf(response).not.toBeUnknown();
    // A Responses object keeps unknown fields under an index signature, so its guard narrows it first.
    if (isResponsesApiResponse(response)) expectTypeOf(response).toEqualTypeOf<ResponsesApiResponse>();
    else if ('choices' in response) expectTypeOf(response).toEqualTypeOf<ChatCompletion>();
    else expectTypeOf(response).toEqualTypeOf<OllamaResponse>();
  });

  it('the done event of every helper carries the union', async () => {
    for await (const event of streamResponse(res)) {
      if (event.type === 'done') {
        expectTypeOf(event.response).toEqualTypeOf<ChatCompletion | OllamaResponse | ResponsesApiResponse>();
        expectTypeOf(event.response).not.toBeAny();
      }
    }
    streamEvents(res).subscribe((event) => {
      expectTypeOf(event).toEqualTypeOf<ProviderEvent>();
      if (event.type === 'done') expectTypeOf(event.response).toEqualTypeOf<ChatCompletion | OllamaResponse | ResponsesApiResponse>();
    });
    streamFinal(res).subscribe((result) => {
      // The provider says which final object it is.
      if (result.provider === 'ollama') expectTypeOf(result.response).toEqualTypeOf<OllamaResponse>();
      else if (result.provider === 'openai-responses') expectTypeOf(result.response).toEqualTypeOf<ResponsesApiResponse>();
      else expectTypeOf(result.response).toEqualTypeOf<ChatCompletion>();
    });
  });

  it('a provider held in a variable of the name type gives the union too', async () => {
    const name = 'ollama' as 'openai' | 'ollama';
    expectTypeOf(await assemble(res, { provider: name })).toEqualTypeOf<ChatCompletion | OllamaResponse>();
  });
});

describe('wrong uses do not compile', () => {
  it('rejects what the types rule out', async () => {
    const completion = await assemble(res, { provider: 'openai' });
    // @ts-expect-error a chat.completion has no Ollama `message` at the top level (unknown fields are `unknown`)
    void completion.message.content;
    const ollama = await assemble(res, { provider: 'ollama' });
    // @ts-expect-error an Ollama response has no `choices`
    void ollama.choices[0];
    // @ts-expect-error an unknown provider name
    void assemble(res, { provider: 'anthropic' });
    const any = await assemble(res);
    // @ts-expect-error the union must be narrowed before reading choices
    void any.choices[0];
    // A done event of a generic StreamEvent says nothing about its response.
    const event = {} as StreamEvent;
    if (event.type === 'done') expectTypeOf(event.response).toBeUnknown();
  });
});
