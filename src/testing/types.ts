/**
 * The public types of the test kit: what `recordingFetch` takes, what matchers and name
 * functions see, and what it returns. Interfaces only.
 */
import type { SchedulerLike } from 'rxjs';
import type { Recording } from '../replay/recording.js';
import type { ReplayTimingOptions } from '../replay/replay-plan.js';

/** A `fetch`-compatible function, as openai-node, groq-sdk, ollama-js and the AI SDK accept it (`RequestInfo | URL` spelled out, so Node-only type setups without the DOM lib read it). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * - `replay`: answer every request from a recording; a request with none fails.
 * - `record`: send every request to the network and save each response (Node, needs `dir`).
 * - `auto`: replay what has a recording, record what has none (Node, needs `dir`).
 */
export type RecordingFetchMode = 'replay' | 'record' | 'auto';

/** A recording with the name it is listed and saved under. */
export interface NamedRecording {
  name: string;
  recording: Recording;
}

/** What the test kit knows about a request, as matchers and name functions see it. */
export interface RecordingRequest {
  /** Upper-case, `GET` when none was given. */
  method: string;
  /** The full URL, with credential-like query parameters (`key`, `api_key`, …) masked. */
  url: string;
  /** The URL's path: `/v1/chat/completions`, `/openai/v1/chat/completions`, `/api/chat`. */
  path: string;
  /**
   * The path the recordings are grouped by: any `…/chat/completions` (OpenAI, Groq, DeepSeek,
   * Ollama's `/v1`, the AI SDK) is `/v1/chat/completions`; `/api/chat` and `/api/generate` stay;
   * any other path is itself.
   */
  endpoint: string;
  /** The `model` of the JSON request body. */
  model?: string;
  /** Whether the request asks for a stream (`stream: true`; Ollama streams unless `stream: false`). Unknown without a JSON body. */
  stream?: boolean;
  /** The request body: parsed JSON, else its text; undefined without a body (or a streamed one). */
  body?: unknown;
  /** Request headers, lower-case names. Given to your code only; never written to disk. */
  headers: Record<string, string>;
}

/** A recording as matchers see it: its name, what it answers, and how often it was replayed. */
export interface RecordingCandidate extends NamedRecording {
  /** The endpoint it answers (see {@link RecordingRequest.endpoint}): from its metadata, else from its format. */
  endpoint: string;
  /** The recorded request method, when the metadata has one. */
  method?: string;
  /** The model it was recorded with and the model its first chunk reports (either may be missing). */
  models: string[];
  /** Whether it is a stream (SSE / NDJSON) or one JSON answer; unknown for raw in-memory bodies. */
  stream?: boolean;
  /** Its metadata's `quirk`: then it answers only requests that name it. */
  quirk?: string;
  /** How many requests this fetch has answered with it so far. */
  readonly uses: number;
}

/**
 * Chooses the recording for a request: its name, the recording itself, or undefined for none.
 * The default is {@link matchRecording}.
 */
export type RecordingMatcher = (
  request: RecordingRequest,
  recordings: readonly RecordingCandidate[],
) => string | Recording | NamedRecording | undefined;

export interface RecordingFetchOptions extends ReplayTimingOptions {
  /** Default `replay`. */
  mode?: RecordingFetchMode;
  /** Recordings held in memory, listed before those of `dir`. Unnamed ones are called `recording-1`, `recording-2`, … */
  recordings?: ReadonlyArray<Recording | NamedRecording>;
  /**
   * A folder of recordings (Node only): `NAME.sse` / `NAME.ndjson` bodies with optional
   * `BODY.json` sidecars, subfolders included. `record` and `auto` save into it.
   */
  dir?: string;
  /** Chooses the recording for each request. Default: {@link matchRecording}, or by `name` when that is given. */
  match?: RecordingMatcher;
  /**
   * Names recordings, so each test can own its own: a fixed name, or a function of the request
   * (`() => expect.getState().currentTestName!`). The first request with a name uses it, later
   * ones add `-2`, `-3`. With a name, replay looks the recording up by it. Default:
   * `<endpoint>-<model>-<n>` (`chat-completions-gpt-4o-mini-1`), replayed by endpoint and model.
   */
  name?: string | ((request: RecordingRequest) => string);
  /**
   * Once every recording that fits a request was used, start over from the first (round-robin)
   * instead of failing (`replay`) or recording a new one (`auto`). Default false: each recording
   * answers one request.
   */
  repeat?: boolean;
  /** The real fetch for `record` and `auto`. Default: the global `fetch` when `recordingFetch` is called. */
  fetch?: FetchFunction;
  /**
   * More names to redact when saving, besides the built-in credential names (`authorization`,
   * `api-key`, `x-api-key`, `*_token`, `password`, …): request-body fields at any depth and
   * response headers.
   */
  redact?: readonly string[];
  /**
   * Mode of the files `record` and `auto` write (Node only). Default `0o600`, folders `0o700`:
   * recordings hold prompts and outputs, so they are the owner's alone whatever the umask.
   */
  fileMode?: number;
  /** Where replay delays run. Default `asyncScheduler` (real or fake `setTimeout`); or an RxJS `TestScheduler`. */
  scheduler?: SchedulerLike;
}

/** One request a {@link RecordingFetch} answered. */
export interface RecordingFetchCall {
  method: string;
  url: string;
  model?: string;
  /** The recording that answered it, or the name it is being saved under. */
  name: string;
  action: 'replayed' | 'recorded';
}

/** A `fetch` that answers from recordings, plus what a test needs to inspect and await it. */
export interface RecordingFetch extends FetchFunction {
  /** The requests answered so far, in order. */
  readonly calls: readonly RecordingFetchCall[];
  /**
   * Resolves once every recording started so far is on disk (each is written when its
   * response body ends). Rejects with the first write that failed. Call it in `afterAll`.
   */
  flush(): Promise<void>;
}
