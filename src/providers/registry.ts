/**
 * The wire-format registry: one entry a provider, saying everything the rest of chunkwise needs
 * to know of it: its transport (whose content types, first bytes and recording extensions are
 * in `transports/transport-table.ts`), how its first decoded payload is recognised, its
 * assembler, and the request paths `chunkwise serve` answers for it. Detection
 * (`providers/detect.ts`), the pipeline, replay, `serve`, the CLI and the test kit all ask it.
 *
 * Adding a wire format is one entry here (and its name in `ProviderName`) plus its folder.
 */
import { TRANSPORTS, type TransportName } from '../transports/transport-table.js';
import { ollamaProvider } from './ollama/spec.js';
import { groqProvider, openAiProvider } from './openai/spec.js';
import { openAiResponsesProvider } from './openai-responses/spec.js';
import type { ProviderName, ProviderSpec } from './provider-spec.js';

/** The first payload decoded from a body: its JSON value, and for SSE its `event:` name. */
export interface FirstPayload {
  payload: unknown;
  event?: string | undefined;
}

/** A request path `chunkwise serve` answers with a recording of this format. */
export interface EndpointSpec {
  path: string;
  /**
   * Also answers any request path ending in this: SDK base URLs with or without `/v1` and
   * prefixes of their own (Groq's `/openai/v1/chat/completions`).
   */
  suffix?: string;
  /**
   * Whether a request asks for a stream: `'when-asked'` (only with `stream: true`, as OpenAI
   * does) or `'unless-told-not'` (unless `stream: false`, as Ollama does).
   */
  streams: 'when-asked' | 'unless-told-not';
  /**
   * Whether a recording's first payloads belong to this path rather than to the format's other
   * paths (Ollama's chat lines carry `message`, generate lines `response`). Absent: any.
   */
  answers?(payloads: ReadonlyArray<Record<string, unknown>>): boolean | undefined;
}

export interface WireFormat {
  spec: ProviderSpec;
  /**
   * How a body of its transport is recognised as this format when no provider was named:
   * a test on the first decoded payload (tried before the default), `'default'` (what a body
   * of its transport is when no test claims it; one per transport), or `'named'` (only when
   * asked for by name: Groq is OpenAI's format with a different name).
   */
  detect: 'default' | 'named' | ((first: FirstPayload) => boolean);
  endpoints: readonly EndpointSpec[];
  /**
   * Whether the response ends where the assembler says it is complete, without waiting for the
   * bytes to end. Default: the transport's rule (`TRANSPORTS[…].endsAtComplete`).
   */
  endsAtComplete?: boolean;
}

const WIRE_FORMATS: Readonly<Record<ProviderName, WireFormat>> = {
  openai: {
    spec: openAiProvider as ProviderSpec,
    detect: 'default',
    endpoints: [{ path: '/v1/chat/completions', suffix: '/chat/completions', streams: 'when-asked' }],
  },
  groq: {
    spec: groqProvider as ProviderSpec,
    detect: 'named',
    endpoints: [],
  },
  'openai-responses': {
    spec: openAiResponsesProvider as ProviderSpec,
    // Every Responses event is named `response.*` (the SSE `event:` line, and the JSON `type`
    // for servers that send no `event:` lines); a chat-completions chunk has no `type`.
    detect: ({ event, payload }) => isResponsesEventName(event) || (typeof payload === 'object' && payload !== null && isResponsesEventName((payload as { type?: unknown }).type)),
    endpoints: [{ path: '/v1/responses', suffix: '/responses', streams: 'when-asked' }],
  },
  ollama: {
    spec: ollamaProvider as ProviderSpec,
    detect: 'default',
    endpoints: [
      { path: '/api/chat', streams: 'unless-told-not', answers: (payloads) => firstKey(payloads, 'message', 'response') },
      { path: '/api/generate', streams: 'unless-told-not', answers: (payloads) => firstKey(payloads, 'response', 'message') },
    ],
  },
};

export const PROVIDER_NAMES = Object.keys(WIRE_FORMATS) as ProviderName[];

/** True for a name in the registry. */
export function isProviderName(name: unknown): name is ProviderName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(WIRE_FORMATS, name);
}

export function wireFormat(name: ProviderName): WireFormat {
  if (!isProviderName(name)) throw new TypeError(`Unknown provider "${String(name)}"; expected one of ${PROVIDER_NAMES.join(', ')}`);
  return WIRE_FORMATS[name];
}

export function providerSpec(name: ProviderName): ProviderSpec {
  return wireFormat(name).spec;
}

/** The transport a provider streams over. */
export function transportOfProvider(name: ProviderName): TransportName {
  return wireFormat(name).spec.transport;
}

/** The content type a provider's streams are asked for (`accept`), served and recorded with. */
export function contentTypeOfProvider(name: ProviderName): string {
  return TRANSPORTS[transportOfProvider(name)].contentType;
}

/** Whether a response of this provider ends once its assembler says it is complete. */
export function endsAtComplete(name: ProviderName): boolean {
  const format = wireFormat(name);
  return format.endsAtComplete ?? TRANSPORTS[format.spec.transport].endsAtComplete;
}

/** The provider a body of `transport` is when its first payload is `first` (undefined: no payload at all). */
export function providerFromFirstPayload(transport: TransportName, first: FirstPayload | undefined): ProviderName {
  if (first !== undefined) {
    for (const name of PROVIDER_NAMES) {
      const format = WIRE_FORMATS[name];
      if (format.spec.transport === transport && typeof format.detect === 'function' && format.detect(first)) return name;
    }
  }
  return defaultProvider(transport);
}

/**
 * Whether the body itself names its provider: a detection test claimed it, or it is the only
 * provider of its transport (an NDJSON body is Ollama's). A body of OpenAI's format may come
 * from Groq or any OpenAI-compatible server, so it names none.
 */
export function bodyNamesProvider(transport: TransportName, provider: ProviderName): boolean {
  const format = wireFormat(provider);
  return typeof format.detect === 'function' || PROVIDER_NAMES.filter((n) => WIRE_FORMATS[n].spec.transport === transport).length === 1;
}

/** What a body of `transport` is when nothing in it says more. */
export function defaultProvider(transport: TransportName): ProviderName {
  const name = PROVIDER_NAMES.find((n) => WIRE_FORMATS[n].spec.transport === transport && WIRE_FORMATS[n].detect === 'default');
  if (name === undefined) throw new TypeError(`No default provider for the ${transport} transport`);
  return name;
}

/** Whether detection can pick this provider from the body (a `'named'` one is never picked). */
export function isDetected(name: ProviderName): boolean {
  return wireFormat(name).detect !== 'named';
}

/** One path `serve` answers, with the provider whose recordings answer it. */
export interface ServedEndpoint extends EndpointSpec {
  provider: ProviderName;
  transport: TransportName;
}

/** Every request path `serve` answers, in registry order. */
export const SERVED_ENDPOINTS: readonly ServedEndpoint[] = PROVIDER_NAMES.flatMap((provider) =>
  WIRE_FORMATS[provider].endpoints.map((endpoint) => ({ ...endpoint, provider, transport: WIRE_FORMATS[provider].spec.transport })),
);

/** The served endpoint of a request path (its path, or a path ending in its suffix), or undefined. */
export function servedEndpoint(path: string): ServedEndpoint | undefined {
  return SERVED_ENDPOINTS.find((endpoint) => endpoint.path === path) ?? SERVED_ENDPOINTS.find((endpoint) => endpoint.suffix !== undefined && path.endsWith(endpoint.suffix));
}

/** Whether a request to `endpoint` asks for a stream, given its JSON body's `stream` field. */
export function requestStreams(endpoint: ServedEndpoint, stream: unknown): boolean {
  return endpoint.streams === 'when-asked' ? stream === true : stream !== false;
}

/**
 * The paths a recording of `provider` answers, from its first payloads: those whose `answers`
 * says yes, else (nothing tells them apart: an error body) all of the provider's paths.
 */
export function endpointsForPayloads(provider: ProviderName, payloads: ReadonlyArray<Record<string, unknown>>): string[] {
  const endpoints = WIRE_FORMATS[provider].endpoints.length > 0 ? WIRE_FORMATS[provider].endpoints : WIRE_FORMATS[defaultProvider(transportOfProvider(provider))].endpoints;
  const fitting = endpoints.filter((endpoint) => endpoint.answers?.(payloads) === true);
  return (fitting.length > 0 ? fitting : endpoints).map((endpoint) => endpoint.path);
}

/** True when the first payload that has either key has `key` (undefined when none has either). */
function firstKey(payloads: ReadonlyArray<Record<string, unknown>>, key: string, other: string): boolean | undefined {
  for (const payload of payloads) {
    if (key in payload) return true;
    if (other in payload) return false;
  }
  return undefined;
}

function isResponsesEventName(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith('response.');
}
