import { asyncScheduler } from 'rxjs';
import { UsageError } from '../errors.js';
import type { Recording } from '../replay/recording.js';
import { checkOptions } from '../assembly/check-options.js';
import { REPLAY_TIMING_OPTIONS } from '../replay/replay-plan.js';
import type { ReplayOptions } from '../replay/replay.js';
import { candidateOf, type Candidate } from './candidates.js';
import { chooseRecording, type Choice, type Chooser } from './choose-recording.js';
import { recordResponse } from './record-response.js';
import { namedRecordings, type OpenStore, type RecordingStore } from './recording-store.js';
import { replayedResponse } from './replayed-response.js';
import { describeRequest } from './request-info.js';
import type { FetchFunction, RecordingFetch, RecordingFetchCall, RecordingFetchMode, RecordingFetchOptions, RecordingRequest } from './types.js';

const MODES: readonly RecordingFetchMode[] = ['replay', 'record', 'auto'];

/**
 * A `fetch` for tests that answers LLM requests from recordings, to hand to any client that
 * takes a `fetch` option (openai-node, groq-sdk, ollama-js, the AI SDK's providers).
 *
 * - `replay` (default): each request gets a recording chosen by endpoint and model (or by
 *   `name`, or your `match`), each recording used once in order. Its body streams with the
 *   recorded piece boundaries and timing (`speed`, `timing: 'instant'`), status and headers,
 *   on `asyncScheduler`, so fake timers (`vi.useFakeTimers()`) run it in no wall time. A body
 *   that was cut off replays cut off. A request with no recording rejects with a UsageError
 *   naming it and listing the recordings.
 * - `record` (Node, `dir`): sends each request on with the real `fetch`, hands the caller the
 *   response untouched as it arrives, and saves it into `dir` (body file plus sidecar with
 *   pieces, times, status, headers and the request, credentials redacted).
 * - `auto` (Node, `dir`): replays what has a recording, records what has none.
 *
 * Recordings come from `recordings` (in memory) and `dir` (read on the first request). `dir`
 * needs Node's file system: under Node, `chunkwise/testing` resolves to its Node build, which
 * has it; the browser build (any bundler targeting browsers) takes in-memory or fetched
 * recordings and has no Node code in it.
 *
 * @throws UsageError (at once) for an unknown mode, `record`/`auto` without `dir`, bad timing options or bad recordings.
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { recordingFetch } from 'chunkwise/testing';
 *
 * const fetch = recordingFetch({ dir: 'test/recordings', mode: process.env.CI ? 'replay' : 'auto' });
 * const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'replay', fetch, maxRetries: 0 });
 * ```
 */
export function recordingFetch(options: RecordingFetchOptions = {}): RecordingFetch {
  return createRecordingFetch(options, undefined);
}

/** {@link recordingFetch} with the store a `dir` opens (the Node build passes the folder store). */
// One piece: the fetch function closes over the mode, the loaded recordings and their use counts,
// which every call reads and updates.
export function createRecordingFetch(options: RecordingFetchOptions, openStore: OpenStore | undefined): RecordingFetch {
  const mode = options.mode ?? 'replay';
  if (!MODES.includes(mode)) throw new UsageError(`recordingFetch: unknown mode "${String(mode)}" (use ${MODES.join(', ')})`);
  if (mode !== 'replay' && options.dir === undefined) throw new UsageError(`recordingFetch: mode "${mode}" saves recordings and needs a dir`);
  const realFetch = options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined);
  if (mode !== 'replay' && !realFetch) throw new UsageError(`recordingFetch: mode "${mode}" needs a fetch to send requests with (pass options.fetch)`);
  if (options.name !== undefined && typeof options.name !== 'string' && typeof options.name !== 'function') {
    throw new UsageError('recordingFetch: name must be a string or a function of the request');
  }
  const replayOptions: ReplayOptions = {};
  if (options.timing !== undefined) replayOptions.timing = options.timing;
  if (options.speed !== undefined) replayOptions.speed = options.speed;
  if (options.tokensPerSecond !== undefined) replayOptions.tokensPerSecond = options.tokensPerSecond;
  if (options.scheduler !== undefined) replayOptions.scheduler = options.scheduler;
  // The replay's own option rules, named after this entry so the message says which call was wrong.
  checkOptions('recordingFetch', replayOptions, REPLAY_TIMING_OPTIONS);
  const memory = namedRecordings(options.recordings ?? []);
  const redact = options.redact ?? [];

  let loaded: Promise<Session> | undefined;
  const load = async (): Promise<Session> => {
    const store = options.dir !== undefined ? storeOf(options.dir, openStore) : undefined;
    const stored = store && mode !== 'record' ? await store.load(mode === 'auto') : [];
    const candidates = [...memory, ...stored].map(({ name, recording }) => candidateOf(name, recording));
    return { store, candidates, chooser: { mode, options, candidates, taken: new Set(candidates.map((c) => c.name)), counts: new Map() } };
  };

  const calls: RecordingFetchCall[] = [];
  const writes = new Set<Promise<void>>();
  const writeErrors: UsageError[] = [];
  // Requests choose their recordings one at a time, in the order they were made.
  let queue: Promise<unknown> = Promise.resolve();

  const answer = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const turn = queue.then(async () => {
      const session = await (loaded ??= load());
      const request = await describeRequest(input, init);
      // Like fetch: an aborted request fails at once, and uses up no recording.
      if (signal?.aborted) throw signal.reason;
      return { session, request, choice: chooseRecording(session.chooser, request) };
    });
    queue = turn.catch(() => {});
    const { session, request, choice } = await turn;
    if (choice.action === 'replay') {
      calls.push(callOf(request, choice.candidate.name, 'replayed'));
      return replayedResponse(choice.candidate.recording, replayOptions, request.url, signal);
    }
    return recordOne(session, request, choice, input, init);
  };

  const recordOne = async (session: Session, request: RecordingRequest, choice: Extract<Choice, { action: 'record' }>, input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // Checked before the first request goes out, so a bad folder costs no API call.
    await (session.writable ??= session.store!.ensureWritable());
    const startedAt = asyncScheduler.now();
    const live = await realFetch!(input, init);
    const { response, recording } = recordResponse(live, request, { startedAt, redact });
    calls.push(callOf(request, choice.name, 'recorded'));
    const write = recording
      .then((made) => save(session, choice.name, made, init?.signal ?? (input instanceof Request ? input.signal : undefined)))
      .catch((error: unknown) => {
        writeErrors.push(error instanceof UsageError ? error : new UsageError(`recordingFetch could not save ${choice.name} into ${options.dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      })
      .finally(() => writes.delete(write));
    writes.add(write);
    return response;
  };

  const save = async (session: Session, name: string, recording: Recording, signal: AbortSignal | null | undefined): Promise<void> => {
    // The caller gave up on it, so it is not what the server sends.
    if (signal?.aborted) return;
    await session.store!.save(name, recording);
    // Later requests of this session may replay it (auto with repeat).
    const made = candidateOf(name, recording);
    made.uses = 1;
    const at = session.candidates.findIndex((c) => c.name === name);
    if (at >= 0) session.candidates[at] = made;
    else session.candidates.push(made);
  };

  const flush = async (): Promise<void> => {
    while (writes.size) await Promise.all(writes);
    if (writeErrors.length) throw writeErrors[0];
  };

  return Object.assign(answer, { calls, flush }) satisfies FetchFunction & RecordingFetch;
}

interface Session {
  store: RecordingStore | undefined;
  writable?: Promise<void>;
  candidates: Candidate[];
  chooser: Chooser;
}

function callOf(request: RecordingRequest, name: string, action: RecordingFetchCall['action']): RecordingFetchCall {
  const call: RecordingFetchCall = { method: request.method, url: request.url, name, action };
  if (request.model !== undefined) call.model = request.model;
  return call;
}

function storeOf(dir: string, openStore: OpenStore | undefined): RecordingStore {
  if (!openStore) {
    throw new UsageError(`recordingFetch: the dir option (${dir}) needs Node's file system, and this is the browser build of chunkwise/testing; under Node, import chunkwise/testing (its Node build reads folders), or pass recordings`);
  }
  return openStore(dir);
}
