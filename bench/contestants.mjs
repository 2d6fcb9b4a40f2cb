// The contestants: each turns a ReadableStream of a body's bytes into what a user wants at the
// end (final text, tool-call arguments, logprobs), the way that library is meant to be used.
// `load()` imports and sets up once per process (outside the clock); `run(stream, body)`
// is what gets timed and returns { content, toolArgs, logprobTokens } (or { events } for the
// floor, which assembles nothing) for verification, and `final`: what the user is left
// holding (the final object; the AI SDK's result; ollama-js's accumulated text).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chunkwiseDist } from './lib/dist-snapshot.mjs';

const CHUNKWISE = pathToFileURL(join(chunkwiseDist(join(dirname(fileURLToPath(import.meta.url)), '..')), 'index.js')).href;
const SSE_HEADERS = { 'content-type': 'text/event-stream' };
const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson' };

/** A fetch that answers every request with the stream the next run hands it. */
function cannedFetch(headers) {
  const state = { stream: undefined };
  const fetch = async () => {
    const body = state.stream;
    state.stream = undefined;
    return new Response(body, { status: 200, headers });
  };
  return { state, fetch };
}

async function readAll(stream, onText) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onText(decoder.decode(value, { stream: true }));
  }
  onText(decoder.decode());
}

const floorSse = {
  name: 'floor',
  label: 'floor (eventsource-parser + JSON.parse)',
  applies: (body) => body.transport === 'sse',
  async load() {
    const { createParser } = await import('eventsource-parser');
    return async (stream) => {
      let events = 0;
      let last;
      const parser = createParser({
        onEvent(event) {
          // Keep-alives (empty data, `event: ping`) and the terminator carry no JSON.
          if (event.data === '[DONE]' || event.data === '' || event.event === 'ping') return;
          last = JSON.parse(event.data);
          events++;
        },
      });
      await readAll(stream, (text) => parser.feed(text));
      parser.feed('\n\n');
      return { events, last };
    };
  },
};

const floorNdjson = {
  name: 'floor',
  label: 'floor (TextDecoder + split + JSON.parse)',
  applies: (body) => body.transport === 'ndjson',
  async load() {
    return async (stream) => {
      let events = 0;
      let last;
      let rest = '';
      const lines = (text) => {
        for (const line of text.split('\n')) {
          if (line.length === 0) continue;
          last = JSON.parse(line);
          events++;
        }
      };
      await readAll(stream, (text) => {
        const cut = text.lastIndexOf('\n');
        if (cut === -1) {
          rest += text;
          return;
        }
        lines(rest + text.slice(0, cut));
        rest = text.slice(cut + 1);
      });
      lines(rest);
      return { events, last };
    };
  },
};

/** What every contestant reports from an OpenAI chat.completion object. */
function fromCompletion(completion) {
  const choice = completion.choices.find((c) => c.index === 0) ?? completion.choices[0];
  const message = choice?.message ?? {};
  return {
    content: message.content ?? null,
    toolArgs: (message.tool_calls ?? []).map((t) => t.function.arguments),
    logprobTokens: choice?.logprobs?.content?.length ?? 0,
  };
}

function fromOllama(response) {
  const message = response.message ?? {};
  return {
    content: message.content ?? response.response ?? null,
    toolArgs: (message.tool_calls ?? []).map((t) => JSON.stringify(t.function.arguments)),
  };
}

/** What every contestant reports from a Responses API `Response`: the message text, the function-call arguments. */
function fromResponse(response) {
  let content = null;
  const toolArgs = [];
  let logprobTokens = 0;
  for (const item of response.output ?? []) {
    if (item.type === 'function_call') toolArgs.push(item.arguments);
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) {
      if (part.type !== 'output_text') continue;
      content = (content ?? '') + part.text;
      logprobTokens += part.logprobs?.length ?? 0;
    }
  }
  return { content, toolArgs, logprobTokens };
}

const isResponses = (body) => body.provider === 'openai-responses';
const fromFinal = (body, response) => (isResponses(body) ? fromResponse(response) : body.transport === 'sse' ? fromCompletion(response) : fromOllama(response));

/** A run that subscribes to every event of `streamEvents` and keeps the final object. */
const subscribingRun = (streamEvents) => (stream, body) =>
  new Promise((resolve, reject) => {
    let response;
    streamEvents(stream, { provider: body.provider }).subscribe({
      next(event) {
        if (event.type === 'done') response = event.response;
      },
      error: reject,
      complete: () => resolve({ ...fromFinal(body, response), final: response }),
    });
  });

const chunkwiseEvents = {
  name: 'chunkwise',
  label: 'chunkwise streamEvents() (events subscribed)',
  applies: () => true,
  async load() {
    const { streamEvents } = await import(CHUNKWISE);
    return subscribingRun(streamEvents);
  },
};

/**
 * chunkwise as built from an earlier commit (`--baseline=REF`), so a change is measured against
 * what it replaces in the same run, on the same bodies, taking the same turns.
 */
// Read when used, not at import: run.mjs builds the baseline after importing this module.
const baseline = () => process.env.CHUNKWISE_BASELINE_DIST;
const chunkwiseBaseline = {
  name: 'chunkwise-baseline',
  get label() {
    return `chunkwise streamEvents() at ${process.env.CHUNKWISE_BASELINE_REF ?? 'the baseline'} (before)`;
  },
  // A baseline older than a provider cannot read its bodies.
  applies: (body) => baseline() !== undefined && (process.env.CHUNKWISE_BASELINE_PROVIDERS ?? '').split(',').includes(body.provider),
  async load() {
    const { streamEvents } = await import(pathToFileURL(join(baseline(), 'index.js')).href);
    return subscribingRun(streamEvents);
  },
};

const chunkwiseAssemble = {
  name: 'chunkwise-assemble',
  label: 'chunkwise assemble() (no events)',
  applies: () => true,
  async load() {
    const { assemble } = await import(CHUNKWISE);
    return async (stream, body) => {
      const response = await assemble(stream, { provider: body.provider });
      return { ...fromFinal(body, response), final: response };
    };
  },
};

const toolsFor = (body) =>
  (body.toolNames ?? []).map((name) => ({ name, parameters: { type: 'object', additionalProperties: true } }));

/** An openai-node client whose fetch answers with the body under test (no network). */
async function cannedOpenAi() {
  const { default: OpenAI } = await import('openai');
  const canned = cannedFetch(SSE_HEADERS);
  return { canned, client: new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:9/v1', fetch: canned.fetch, maxRetries: 0 }) };
}

const openaiNode = {
  name: 'openai-node',
  label: 'openai-node chat.completions.stream()',
  applies: (body) => body.transport === 'sse' && !isResponses(body),
  async load() {
    const { canned, client } = await cannedOpenAi();
    return async (stream, body) => {
      canned.state.stream = stream;
      const tools = toolsFor(body).map((f) => ({ type: 'function', function: f }));
      const runner = client.chat.completions.stream({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'bench' }],
        stream_options: { include_usage: true },
        ...(tools.length ? { tools } : {}),
        ...(body.logprobTokens ? { logprobs: true, top_logprobs: 5 } : {}),
      });
      const completion = await runner.finalChatCompletion();
      return { ...fromCompletion(completion), final: completion };
    };
  },
};

const openaiNodeResponses = {
  name: 'openai-node',
  label: 'openai-node responses.stream() (ResponseStream)',
  applies: isResponses,
  async load() {
    const { canned, client } = await cannedOpenAi();
    return async (stream, body) => {
      canned.state.stream = stream;
      const tools = toolsFor(body).map((f) => ({ type: 'function', ...f, strict: false }));
      const response = await client.responses.stream({ model: 'gpt-4.1', input: 'bench', ...(tools.length ? { tools } : {}) }).finalResponse();
      return { ...fromResponse(response), final: response };
    };
  },
};

const aiSdk = {
  name: 'ai-sdk',
  label: 'AI SDK streamText() fullStream (@ai-sdk/openai)',
  applies: (body) => body.transport === 'sse' && !isResponses(body),
  async load() {
    globalThis.AI_SDK_LOG_WARNINGS = false;
    const { streamText, tool, jsonSchema } = await import('ai');
    const { createOpenAI } = await import('@ai-sdk/openai');
    const canned = cannedFetch(SSE_HEADERS);
    const provider = createOpenAI({ apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:9/v1', fetch: canned.fetch });
    const model = provider.chat('gpt-4o');
    return async (stream, body) => {
      canned.state.stream = stream;
      const tools = Object.fromEntries(toolsFor(body).map((f) => [f.name, tool({ inputSchema: jsonSchema(f.parameters) })]));
      let failure;
      const result = streamText({
        model,
        prompt: 'bench',
        ...(Object.keys(tools).length ? { tools } : {}),
        onError: ({ error }) => (failure = error),
      });
      let content = null;
      const args = new Map();
      let logprobTokens = 0;
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') content = (content ?? '') + part.text;
        else if (part.type === 'tool-input-start') args.set(part.id, '');
        else if (part.type === 'tool-input-delta') args.set(part.id, args.get(part.id) + part.delta);
        else if (part.type === 'finish-step') logprobTokens = part.providerMetadata?.openai?.logprobs?.length ?? 0;
        else if (part.type === 'error') failure = part.error;
      }
      if (failure) throw failure;
      return { content, toolArgs: [...args.values()], logprobTokens, final: result };
    };
  },
};

const ollamaJs = {
  name: 'ollama-js',
  label: 'ollama-js chat({ stream: true })',
  applies: (body) => body.transport === 'ndjson',
  async load() {
    const { Ollama } = await import('ollama');
    const canned = cannedFetch(NDJSON_HEADERS);
    const ollama = new Ollama({ host: 'http://127.0.0.1:11434', fetch: canned.fetch });
    return async (stream, body) => {
      canned.state.stream = stream;
      let content = '';
      const toolArgs = [];
      if (body.kind === 'generate') {
        for await (const part of await ollama.generate({ model: 'llama3.2', prompt: 'bench', stream: true })) content += part.response;
      } else {
        for await (const part of await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'bench' }], stream: true })) {
          content += part.message.content;
          for (const call of part.message.tool_calls ?? []) toolArgs.push(JSON.stringify(call.function.arguments));
        }
      }
      return { content: content === '' ? null : content, toolArgs, final: content };
    };
  },
};

/** In table order. */
export const CONTESTANTS = [floorSse, floorNdjson, chunkwiseEvents, chunkwiseBaseline, chunkwiseAssemble, openaiNode, openaiNodeResponses, aiSdk, ollamaJs];

export function contestantsFor(body) {
  return CONTESTANTS.filter((c) => c.applies(body));
}

export function findContestant(name, body) {
  const found = CONTESTANTS.find((c) => c.name === name && c.applies(body));
  if (!found) throw new Error(`No contestant "${name}" for ${body.name}`);
  return found;
}
