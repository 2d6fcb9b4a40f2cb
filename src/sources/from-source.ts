import { Observable, defer, map, takeWhile, type Subscribable } from 'rxjs';
import { describeValue } from '../assembly/describe-value.js';
import { AbortError, HttpError, LimitError, UsageError, toChunkwiseError } from '../errors.js';
import { TRANSPORTS, streamOfFirstBytes, transportFromContentType, type TransportName } from '../transports/transport-table.js';
import { SOURCE_OPTIONS, checkOptions } from '../assembly/check-options.js';
import { httpErrorFrom, responseFacts } from './http-error.js';
import { concatBytes } from '../transports/concat-bytes.js';

/** A response body at hand: what a `ByteSource` promise may resolve to. */
export type ReadyByteSource =
  | Response
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | Subscribable<Uint8Array | string>
  | Uint8Array
  | string;

/** Everything chunkwise accepts as a response body: one at hand, or the promise of one (`fetch(…)`). */
export type ByteSource = ReadyByteSource | PromiseLike<ReadyByteSource>;

/** What kind of body the caller expects; used to check a Response's content type. */
export type ExpectedFormat = TransportName | 'any';

export interface SourceOptions {
  /** Aborting cancels the reader (and so the HTTP request) and fails with an AbortError. */
  signal?: AbortSignal;
  /** Check a Response's content type against this (default `'any'`: SSE or NDJSON). */
  expect?: ExpectedFormat;
  /** Fail with a LimitError once the body exceeds this many bytes (a whole number, 0 or more; default: unlimited). */
  maxTotalBytes?: number;
  /** Called once with the Response's status and headers, before any byte. */
  onResponse?: (response: Response) => void;
}

const encoder = new TextEncoder();

/**
 * Turns what users hold into a cold `Observable<Uint8Array>`: a fetch `Response`, a web
 * `ReadableStream`, any (async) iterable of bytes or strings (a Node `Readable` is one), an RxJS
 * Observable (or any Subscribable) of them, a whole string / Uint8Array, or the Promise of any of
 * these (`fetch(…)` as it is).
 *
 * Unsubscribing cancels the underlying reader, which closes the HTTP connection (or unsubscribes
 * from the source Observable).
 *
 * @example
 * ```ts
 * fromSource(await fetch(url, init)).pipe(decodeSse()).subscribe(console.log);
 * ```
 */
export function fromSource(source: ByteSource, options: SourceOptions = {}): Observable<Uint8Array> {
  checkOptions('fromSource', options, SOURCE_OPTIONS);
  const bytes = new Observable<Uint8Array>((subscriber) => {
    const { signal } = options;
    let stop: (() => void) | undefined;
    let finished = false;
    const onAbort = () => {
      stop?.();
      subscriber.error(new AbortError('The stream was aborted by its AbortSignal', { cause: signal?.reason }));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    let pieces = 0;
    let offset = 0;
    const emit = (piece: Uint8Array | string) => {
      if (subscriber.closed) return;
      const bytes = typeof piece === 'string' ? encoder.encode(piece) : isBytes(piece) ? piece : undefined;
      if (bytes === undefined) {
        // An iterable or stream of something else (numbers, objects, null): the source is wrong,
        // and it ends here, settled, rather than in a TypeError deep in a decoder.
        fail(notBytes(piece, pieces, offset));
        return;
      }
      pieces++;
      offset += bytes.byteLength;
      subscriber.next(bytes);
    };
    const fail = (error: unknown) => {
      if (!subscriber.closed) subscriber.error(signal?.aborted ? new AbortError(undefined, { cause: error }) : toChunkwiseError(error));
    };
    const complete = () => {
      finished = true;
      subscriber.complete();
    };

    const start = (value: ByteSource): void => {
      if (typeof value === 'string' || value instanceof Uint8Array) {
        emit(value);
        complete();
      } else if (isReadableStream(value)) {
        stop = pump(value, emit, complete, fail);
      } else if (isResponse(value)) {
        stop = pumpResponse(value, options, emit, complete, fail);
      } else if (isPromiseLike(value)) {
        let cancelled = false;
        stop = () => {
          cancelled = true;
        };
        value.then((ready) => (cancelled ? discard(ready) : start(ready)), fail);
      } else if (isAsyncIterable(value)) {
        stop = pumpIterator(value, emit, complete, fail);
      } else if (isIterable(value)) {
        for (const piece of value) {
          if (subscriber.closed) break;
          emit(piece);
          // Not one piece more than needed once the consumer is done (the source may be endless).
          if (subscriber.closed) break;
        }
        complete();
      } else if (isSubscribable(value)) {
        stop = pumpSubscribable(value, emit, complete, fail, () => subscriber.closed);
      } else {
        fail(new UsageError(`Not a byte source: ${Object.prototype.toString.call(value)}`));
      }
    };
    start(source);

    return () => {
      signal?.removeEventListener('abort', onAbort);
      if (!finished) stop?.();
    };
  });
  return options.maxTotalBytes === undefined ? bytes : limitTotalBytes(bytes, options.maxTotalBytes);
}

function pumpResponse(
  response: Response,
  options: SourceOptions,
  emit: (piece: Uint8Array) => void,
  complete: () => void,
  fail: (e: unknown) => void,
): () => void {
  let stop: () => void = () => {
    response.body?.cancel().catch(() => {});
  };
  options.onResponse?.(response);
  if (response.bodyUsed) {
    fail(new UsageError('The response body was already read: pass the Response before reading it'));
    return () => {};
  }
  if (!response.ok) {
    // Reading the error body locks it: cancel through httpErrorFrom's own reader.
    const reading = new AbortController();
    httpErrorFrom(response, { signal: reading.signal }).then(fail, fail);
    return () => reading.abort();
  }
  const contentType = response.headers.get('content-type');
  const expect = options.expect ?? 'any';
  const typeError = contentTypeProblem(contentType, expect);
  if (typeError && (transportFromContentType(contentType) !== undefined || !response.body)) {
    // A content type of the other transport: the server said what it sends.
    stop();
    fail(notAStream(response, typeError, ''));
    return stop;
  }
  if (!response.body) {
    complete();
    return stop;
  }
  if (typeError) return sniffThenPump(response, typeError, expect, emit, complete, fail);
  stop = pump(response.body, emit, complete, fail);
  return stop;
}

/** How much of a body that is not a stream its error shows (a login page, a proxy's notice). */
const NOT_A_STREAM_EXCERPT_BYTES = 1024;

/**
 * A content type that names no transport (`text/html`, `text/plain`, `application/octet-stream`)
 * says little: servers and proxies mislabel streams. The first bytes decide: the start of an SSE
 * or NDJSON stream is read as one; anything else (an HTML login page from a captive portal) is an
 * HttpError naming the status and the content type, with an excerpt of the body.
 */
function sniffThenPump(
  response: Response,
  typeError: string,
  expect: ExpectedFormat,
  emit: (piece: Uint8Array) => void,
  complete: () => void,
  fail: (e: unknown) => void,
): () => void {
  const reader = response.body!.getReader();
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let stopped = false;
  let stop: () => void = () => {
    stopped = true;
    reader.cancel().catch(() => {});
  };
  (async () => {
    let verdict: TransportName | 'neither' | undefined;
    let ended = false;
    try {
      while (verdict === undefined && heldBytes < NOT_A_STREAM_EXCERPT_BYTES) {
        const { done, value } = await reader.read();
        if (stopped) return;
        if (done) {
          ended = true;
          break;
        }
        if (!isBytes(value)) return fail(notBytes(value, held.length, heldBytes));
        held.push(value);
        heldBytes += value.byteLength;
        verdict ??= streamOfFirstBytes(concatBytes(held));
      }
    } catch (error) {
      if (!stopped) fail(error);
      return;
    }
    if (verdict === undefined || verdict === 'neither' || (expect !== 'any' && verdict !== expect)) {
      if (!ended) reader.cancel().catch(() => {});
      fail(notAStream(response, typeError, new TextDecoder().decode(concatBytes(held).subarray(0, NOT_A_STREAM_EXCERPT_BYTES))));
      return;
    }
    for (const piece of held) emit(piece);
    if (ended) {
      reader.releaseLock();
      complete();
      return;
    }
    reader.releaseLock();
    if (!stopped) stop = pump(response.body!, emit, complete, fail);
  })();
  return () => stop();
}

function notAStream(response: Response, reason: string, body: string): HttpError {
  return new HttpError({ ...responseFacts(response), body, reason });
}


/** Releases a source that arrived after the subscriber left: its connection must not stay open. */
function discard(source: ReadyByteSource): void {
  const body = isResponse(source) ? source.body : isReadableStream(source) ? source : undefined;
  if (body && !body.locked) body.cancel().catch(() => {});
  const destroy = (source as { destroy?: unknown }).destroy;
  if (typeof destroy === 'function') destroy.call(source);
}

/** Reads a web stream; the returned function cancels the reader (closing the connection). */
function pump(
  stream: ReadableStream<Uint8Array>,
  emit: (piece: Uint8Array) => void,
  complete: () => void,
  fail: (e: unknown) => void,
): () => void {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch (cause) {
    fail(new UsageError('The stream is locked: it is being read already', { cause }));
    return () => {};
  }
  let cancelled = false;
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) break;
        emit(value);
      }
      reader.releaseLock();
      complete();
    } catch (error) {
      if (!cancelled) {
        release(reader);
        fail(error);
      }
    }
  })();
  return () => {
    cancelled = true;
    // Cancelling closes the connection; then the stream is let go of (unlocked), once the
    // pending read has settled.
    reader.cancel().then(
      () => release(reader),
      () => release(reader),
    );
  };
}

function release(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  try {
    reader.releaseLock();
  } catch {
    // Already released.
  }
}

function pumpIterator(
  iterable: AsyncIterable<Uint8Array | string>,
  emit: (piece: Uint8Array | string) => void,
  complete: () => void,
  fail: (e: unknown) => void,
): () => void {
  const iterator = iterable[Symbol.asyncIterator]();
  let cancelled = false;
  (async () => {
    try {
      for (;;) {
        const { done, value } = await iterator.next();
        if (cancelled) return;
        if (done) break;
        emit(value);
      }
      complete();
    } catch (error) {
      if (!cancelled) fail(error);
    }
  })();
  return () => {
    cancelled = true;
    // return() on an async generator (a Node Readable's iterator is one) waits behind the
    // pending next(), that is for the next piece, which may never come: destroy a Node stream
    // (and so its socket) directly.
    const destroy = (iterable as { destroy?: unknown }).destroy;
    if (typeof destroy === 'function') destroy.call(iterable);
    Promise.resolve(iterator.return?.()).catch(() => {});
  };
}

/**
 * Subscribes to an Observable of pieces. It has no backpressure (an Observable pushes), and it
 * may push synchronously, before its subscription is returned: so once the consumer is done, the
 * next piece ends the subscription instead of being passed on (an endless synchronous source
 * stops there too).
 */
function pumpSubscribable(
  source: Subscribable<Uint8Array | string>,
  emit: (piece: Uint8Array | string) => void,
  complete: () => void,
  fail: (e: unknown) => void,
  closed: () => boolean,
): () => void {
  const subscription = new Observable<Uint8Array | string>((inner) => source.subscribe(inner))
    .pipe(takeWhile(() => !closed()))
    .subscribe({ next: emit, error: fail, complete });
  return () => subscription.unsubscribe();
}

/** A message when the content type cannot carry the expected format; undefined when fine or absent. */
export function contentTypeProblem(contentType: string | null, expect: ExpectedFormat): string | undefined {
  if (!contentType) return undefined;
  const transport = transportFromContentType(contentType);
  if (expect === 'any' ? transport !== undefined : transport === expect) return undefined;
  const wanted = expect === 'any' ? 'a text/event-stream or NDJSON' : TRANSPORTS[expect].description;
  return `Expected ${wanted} response but the content type is "${contentType}"`;
}

/** Fails with a LimitError as soon as the total exceeds `max`, before passing the piece on. */
function limitTotalBytes(source: Observable<Uint8Array>, max: number): Observable<Uint8Array> {
  // An operator (not a nested subscribe): its subscriber is the one the source sees, so failing
  // closes it at once, and a synchronous source (an array, a generator) stops being pulled.
  return defer(() => {
    let total = 0;
    return source.pipe(
      map((piece) => {
        total += piece.byteLength;
        if (total > max) throw new LimitError('maxTotalBytes', max, `The response is larger than maxTotalBytes (${max} bytes)`, { offset: total - piece.byteLength });
        return piece;
      }),
    );
  });
}

/** A Uint8Array (a Node Buffer is one), from this realm or another (an iframe, a vm context). */
function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function notBytes(piece: unknown, index: number, offset: number): UsageError {
  return new UsageError(`Piece ${index + 1} of the byte source is ${describeValue(piece)}, not a Uint8Array or a string (after ${offset} bytes)`, { offset });
}

export function isResponse(value: unknown): value is Response {
  return typeof Response !== 'undefined' && value instanceof Response
    ? true
    : typeof value === 'object' && value !== null && 'status' in value && 'headers' in value && 'ok' in value && 'body' in value;
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function';
}

function isPromiseLike(value: unknown): value is PromiseLike<ReadyByteSource> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isSubscribable(value: unknown): value is Subscribable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && typeof (value as Subscribable<unknown>).subscribe === 'function';
}

function isIterable(value: unknown): value is Iterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}
