/**
 * One error model for every layer. Each error has a `code`, a message a person can act on,
 * the `cause`, and `partial`: the snapshot assembled so far, which the assembly layers fill
 * in when a stream fails, so nothing that already arrived is lost.
 */

export type ChunkwiseErrorCode = 'http' | 'network' | 'provider' | 'parse' | 'truncated' | 'aborted' | 'limit' | 'timeout' | 'usage';

/** Where in the stream a problem was found. All fields are 1-based lines and 0-based byte offsets. */
export interface StreamPosition {
  /** 1-based NDJSON line where the problem sits. */
  line?: number;
  /** 1-based SSE event number where the problem sits. */
  event?: number;
  /** 0-based byte offset of the start of that line/event in the response body. */
  offset?: number;
  /** A short excerpt of the offending text (at most ~120 characters). */
  excerpt?: string;
}

export interface ChunkwiseErrorOptions extends StreamPosition {
  cause?: unknown;
  partial?: unknown;
}

/**
 * The brand every chunkwise error carries: the names of its chunkwise classes, under a
 * registry symbol. A program that loads both the ESM and the CJS build (or two copies of the
 * package) has two `ChunkwiseError` classes; `instanceof` and `isChunkwiseError` read the
 * brand, so an error from either copy is recognised by both.
 */
const BRAND = Symbol.for('chunkwise.error');
/** The static name a chunkwise class brands its instances with. */
const CLASS_BRAND = Symbol.for('chunkwise.error.class');

type BrandedClass = { [CLASS_BRAND]?: string };

function brandsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const brands = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(brands) ? brands : undefined;
}

export class ChunkwiseError extends Error {
  static readonly [CLASS_BRAND]: string = 'ChunkwiseError';

  /**
   * `error instanceof ParseError` is true for a ParseError of any copy of chunkwise (ESM or
   * CJS build). A subclass of your own that does not brand itself is checked as usual.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: any[]) => T, value: unknown): value is T {
    if (Object.prototype.hasOwnProperty.call(this, CLASS_BRAND)) {
      const brands = brandsOf(value);
      if (brands) return brands.includes((this as BrandedClass)[CLASS_BRAND]!);
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  readonly code: ChunkwiseErrorCode;
  line?: number;
  event?: number;
  offset?: number;
  excerpt?: string;
  /** The response assembled up to the failure (set by the assembly layer), or undefined. */
  partial?: unknown;

  constructor(code: ChunkwiseErrorCode, message: string, options: ChunkwiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    const brands: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.prototype.hasOwnProperty.call(c, CLASS_BRAND)) brands.push((c as BrandedClass)[CLASS_BRAND]!);
    }
    Object.defineProperty(this, BRAND, { value: brands, enumerable: false });
    this.code = code;
    if (options.line !== undefined) this.line = options.line;
    if (options.event !== undefined) this.event = options.event;
    if (options.offset !== undefined) this.offset = options.offset;
    if (options.excerpt !== undefined) this.excerpt = options.excerpt;
    if (options.partial !== undefined) this.partial = options.partial;
  }
}

/** A non-2xx HTTP response. `providerMessage` is the error text parsed from the JSON body, when there was one. */
export class HttpError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'HttpError';
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly providerMessage?: string;
  readonly providerType?: string;
  readonly providerCode?: string | number;
  /** Seconds from a `retry-after` header, when the server sent one. */
  readonly retryAfter?: number;
  readonly headers: Record<string, string>;

  constructor(init: {
    status: number;
    statusText?: string;
    body: string;
    headers?: Record<string, string>;
    providerMessage?: string;
    providerType?: string;
    providerCode?: string | number;
    retryAfter?: number;
    url?: string;
    /** Why a response with a 2xx status is still an error (its content type); the body's start follows it in the message. */
    reason?: string;
  }) {
    const body = summarizeBody(init.body);
    const what = init.reason !== undefined ? `${init.reason}${body ? `; the body starts: ${body}` : ''}` : (init.providerMessage ?? body);
    super('http', `HTTP ${init.status}${init.statusText ? ` ${init.statusText}` : ''}${init.url ? ` from ${init.url}` : ''}${what ? `: ${what}` : ''}`);
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.body = init.body;
    this.headers = init.headers ?? {};
    if (init.providerMessage !== undefined) this.providerMessage = init.providerMessage;
    if (init.providerType !== undefined) this.providerType = init.providerType;
    if (init.providerCode !== undefined) this.providerCode = init.providerCode;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    // A 2xx that is not a stream (a captive portal's login page): the body's start, tags kept, escaped.
    if (init.reason !== undefined && init.body !== '') this.excerpt = excerptOf(init.body);
  }
}

/** The provider reported an error inside the stream (`event: error`, `{"error": …}`). */
export class ProviderError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'ProviderError';
  readonly providerMessage: string;
  readonly type?: string;
  readonly providerCode?: string | number;
  /** An HTTP-like status the provider put in the error payload (`status_code`, `status`), if any. */
  readonly status?: number;
  readonly param?: string;
  /** The error payload exactly as received. */
  readonly payload: unknown;

  constructor(init: {
    message: string;
    type?: string;
    code?: string | number;
    status?: number;
    param?: string;
    payload: unknown;
  } & ChunkwiseErrorOptions) {
    const tag = [init.type, init.code].filter((x) => x !== undefined && x !== null && x !== '').join('/');
    super('provider', `Provider error${tag ? ` (${tag})` : ''}${init.status ? ` [status ${init.status}]` : ''}: ${init.message}`, init);
    this.providerMessage = init.message;
    this.payload = init.payload;
    if (init.type !== undefined) this.type = init.type;
    if (init.code !== undefined) this.providerCode = init.code;
    if (init.status !== undefined) this.status = init.status;
    if (init.param !== undefined) this.param = init.param;
  }
}

/** Bytes that could not be decoded: malformed JSON, invalid framing, wrong types where objects were expected. */
export class ParseError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'ParseError';
  constructor(message: string, options: ChunkwiseErrorOptions = {}) {
    super('parse', withPosition(message, options), options);
  }
}

/** The connection failed (reset, DNS, TLS, a reader that threw): anything below the HTTP layer. */
export class NetworkError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'NetworkError';
  constructor(message: string, options: ChunkwiseErrorOptions = {}) {
    super('network', message, options);
  }
}

/** The stream ended before the provider said it was done. */
export class TruncatedStreamError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'TruncatedStreamError';
  constructor(message: string, options: ChunkwiseErrorOptions = {}) {
    super('truncated', message, options);
  }
}

/** The consumer aborted (AbortSignal) before the stream ended. */
export class AbortError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'AbortError';
  constructor(message = 'The stream was aborted', options: ChunkwiseErrorOptions = {}) {
    super('aborted', message, options);
  }
}

/** A configured size limit was exceeded. */
export class LimitError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'LimitError';
  readonly limit: number;
  readonly limitName: string;
  constructor(limitName: string, limit: number, message: string, options: ChunkwiseErrorOptions = {}) {
    super('limit', withPosition(message, options), options);
    this.limit = limit;
    this.limitName = limitName;
  }
}

/** No bytes arrived for longer than the configured idle timeout. */
export class IdleTimeoutError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'IdleTimeoutError';
  readonly idleMs: number;
  constructor(idleMs: number, options: ChunkwiseErrorOptions = {}) {
    super('timeout', `No bytes arrived for ${idleMs} ms (idle timeout)`, options);
    this.idleMs = idleMs;
  }
}

/** Wrong use of the API or CLI (bad argument, missing file, unknown recording). */
export class UsageError extends ChunkwiseError {
  static override readonly [CLASS_BRAND]: string = 'UsageError';
  constructor(message: string, options: ChunkwiseErrorOptions = {}) {
    super('usage', message, options);
  }
}

/** Whether `value` is a chunkwise error, from this copy of the package or any other (ESM or CJS build). */
export function isChunkwiseError(value: unknown): value is ChunkwiseError {
  return brandsOf(value)?.includes('ChunkwiseError') ?? false;
}

/** Wraps anything thrown into a ChunkwiseError, keeping ChunkwiseErrors as they are. */
export function toChunkwiseError(value: unknown): ChunkwiseError {
  if (value instanceof ChunkwiseError) return value;
  if (isAbortLike(value)) return new AbortError(undefined, { cause: value });
  const message = value instanceof Error ? value.message : String(value);
  return new NetworkError(`The connection failed while reading the stream: ${message}`, { cause: value });
}

/** Attaches the partial response to an error, unless a deeper layer already did. */
export function withPartial(error: unknown, partial: unknown): ChunkwiseError {
  const e = toChunkwiseError(error);
  if (e.partial === undefined) e.partial = partial;
  return e;
}

export function isAbortLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'AbortError';
}

/**
 * A single-line excerpt of at most `max` characters, for error messages. Input goes into
 * messages a terminal shows: line ends become `⏎`, other control characters (ESC, BEL, C1, DEL;
 * tab aside) are written as `\xNN` escapes, so no byte from the wire can drive the terminal.
 */
export function excerptOf(text: string, max = 120): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const flat = escapeControlCharacters(cut.replace(/\r?\n|\r/g, '⏎'));
  return text.length > max ? `${flat}…` : flat;
}

/**
 * `text` with every control character but newline and tab (C0, DEL, C1: ESC, BEL, CR, backspace,
 * CSI…) written as a visible `\xNN` escape, so text from the wire shown on a terminal cannot
 * move the cursor, retitle the window or hide what came before it.
 *
 * @example
 * ```ts
 * escapeControlCharacters('a\x1b]0;pwned\x07b\n'); // 'a\\x1b]0;pwned\\x07b\n'
 * ```
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

function withPosition(message: string, p: StreamPosition): string {
  const where: string[] = [];
  if (p.line !== undefined) where.push(`line ${p.line}`);
  if (p.event !== undefined) where.push(`event ${p.event}`);
  if (p.offset !== undefined) where.push(`byte ${p.offset}`);
  let out = where.length ? `${message} (at ${where.join(', ')})` : message;
  if (p.excerpt !== undefined) out += `, near: ${p.excerpt}`;
  return out;
}

function summarizeBody(body: string): string {
  const text = body.replace(/<[^<>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return excerptOf(text, 200);
}
