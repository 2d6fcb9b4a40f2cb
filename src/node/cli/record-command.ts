import { readFile } from 'node:fs/promises';
import { ReplaySubject } from 'rxjs';
import type { ProviderName } from '../../providers/provider-spec.js';
import { jsonText } from '../../assembly/json-text.js';
import { UsageError, toChunkwiseError } from '../../errors.js';
import { streamEvents } from '../../operators/run-pipeline.js';
import { toAsyncIterable } from '../../operators/to-async-iterable.js';
import { PROVIDER_NAMES, contentTypeOfProvider } from '../../providers/registry.js';
import { record } from '../../replay/record.js';
import { extensionOfRecording } from '../../replay/message-boundaries.js';
import type { Recording, RecordingMeta } from '../../replay/recording.js';
import { transportFromExtension } from '../../transports/transport-table.js';
import { describeResponse } from '../../replay/response-meta.js';
import { redactText } from '../../assembly/redact.js';
import { fromSource } from '../../sources/from-source.js';
import { writeRecording } from '../recording-files.js';
import { FILE_MODE_FLAG, HELP_FLAG, RAW_FLAG, fileModeFlag, oneOf, type CommandSpec, type ParsedArgs } from './args.js';
import { EXIT_CODES_NOTE } from './help.js';
import { checkFile, oneLine, readStdin, streamTextFilter, type CliIo } from './io.js';
import { showLive } from './live-view.js';
import { apiKeyFor, providerForUrl } from './request-auth.js';

/** How long to wait for the connection to close once the stream is complete. */
const LINGER_MS = 3000;

export const recordSpec: CommandSpec = {
  name: 'record',
  usage: 'record --url <endpoint> --body <request.json> --out <recordings/name>',
  summary:
    'Sends a live streaming request (OpenAI-compatible /chat/completions or Ollama /api/chat, /api/generate), shows the response as it arrives, and saves it as a recording: the body as received plus a sidecar with its timing and metadata (secrets redacted).',
  positionals: [],
  flags: {
    url: { type: 'string', value: 'URL', description: 'The endpoint, e.g. https://api.openai.com/v1/chat/completions or http://localhost:11434/api/chat' },
    body: { type: 'string', value: 'FILE', description: 'The JSON request body (- reads it from standard input); "stream": true is added when it is absent' },
    out: { type: 'string', value: 'PATH', description: 'Where to save: PATH.sse or PATH.ndjson (by the response type) and its .json sidecar' },
    provider: { type: 'string', value: 'NAME', description: `${PROVIDER_NAMES.join(', ')} (default: from the URL)` },
    header: { type: 'string', value: '"NAME: VALUE"', multiple: true, description: 'An extra request header (repeatable)' },
    'key-env': { type: 'string', value: 'VAR', description: 'Read the bearer key from this environment variable (default: GROQ_API_KEY for groq.com, OPENAI_API_KEY for openai.com, none elsewhere)' },
    logprobs: { type: 'boolean', description: 'Colour each content token by its probability (the request must ask for logprobs)' },
    'file-mode': FILE_MODE_FLAG,
    raw: RAW_FLAG,
    help: HELP_FLAG,
  },
  notes: [
    'The key is sent as "Authorization: Bearer" and never written to disk; recorded headers and request fields that hold credentials are redacted.',
    'A stream that fails part-way is still saved (it is a useful test case); an HTTP error response is not.',
    EXIT_CODES_NOTE,
  ],
};

/** `chunkwise record`. */
export async function runRecord(args: ParsedArgs, io: CliIo): Promise<number> {
  const { url, body: bodyPath, out } = args.flags as Record<string, string | undefined>;
  const extraHeaders = parseHeaders((args.flags.header as string[] | undefined) ?? []);
  for (const [flag, value] of [['url', url], ['body', bodyPath], ['out', out]] as const) {
    if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`);
  }
  const endpoint = parseUrl(url!);
  const fileMode = fileModeFlag(args.flags['file-mode']);
  const provider = oneOf<ProviderName>('provider', args.flags.provider, PROVIDER_NAMES) ?? providerForUrl(endpoint);
  const request = await readRequestBody(bodyPath!, io);
  const key = apiKeyFor(endpoint, io.env, args.flags['key-env'] as string | undefined);

  const headers: Record<string, string> = { 'content-type': 'application/json', accept: contentTypeOfProvider(provider), ...extraHeaders };
  if (key) headers.authorization = `Bearer ${key}`;
  const requestText = jsonText(request);
  let meta: RecordingMeta | undefined;
  const source = fromSource(fetch(endpoint, { method: 'POST', headers, body: requestText }), {
    onResponse: (response) => (meta = describeResponse(response, { provider, url: endpoint.href, body: request })),
  });
  const recorder = record(source, { meta: () => meta });
  // The recording reads to the end of the body even when the display is done at `[DONE]`.
  const bytes = new ReplaySubject<Uint8Array>();
  const reading = recorder.bytes.subscribe(bytes);
  const events$ = streamEvents(toAsyncIterable(bytes), { provider, partialArguments: false });
  const outcome = await showLive(events$, io, { heading: `● recording ${redactText(endpoint.href)}`, logprobs: args.flags.logprobs === true, provider, streamText: streamTextFilter(io, args.flags.raw === true) });
  // A server that keeps the connection open after the end is cut off after a while.
  const cutOff = setTimeout(() => reading.unsubscribe(), LINGER_MS);
  const recording = await recorder.recording;
  clearTimeout(cutOff);

  if (meta === undefined || meta.status === undefined || meta.status >= 400) {
    io.stderr.write(`chunkwise: nothing saved${outcome.error ? '' : ': no response'}\n`);
    return 1;
  }
  const target = withExtension(out!, recording);
  try {
    await writeRecording(target, recording, fileMode === undefined ? {} : { fileMode });
  } catch (error) {
    throw new UsageError(`cannot save the recording to ${target}: ${oneLine(toChunkwiseError(error).message)}`);
  }
  io.stderr.write(`saved ${oneLine(target)} (${recording.body.byteLength} bytes, ${recording.pieces?.length ?? 0} pieces)\n`);
  return outcome.error ? 1 : 0;
}

async function readRequestBody(file: string, io: CliIo): Promise<Record<string, unknown>> {
  const path = file === '-' ? 'standard input' : file;
  if (file !== '-') await checkFile(file);
  let request: unknown;
  try {
    request = JSON.parse(file === '-' ? new TextDecoder().decode(await readStdin(io)) : await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${oneLine((error as Error).message)}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new UsageError(`${path} must hold a JSON object`);
  const body = request as Record<string, unknown>;
  if (body.stream === false) throw new UsageError(`${path} asks for "stream": false; record needs a streamed response`);
  return { ...body, stream: true };
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got "${line}"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url is not a URL: "${redactText(text)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got "${url.protocol}"`);
  return url;
}

/** `PATH` plus the extension the response type implies, unless PATH already has a recording extension. */
function withExtension(path: string, recording: Recording): string {
  if (transportFromExtension(path) !== undefined) return path;
  return `${path}${extensionOfRecording(recording)}`;
}
