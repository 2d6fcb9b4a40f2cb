/**
 * Which requests a local server (`chunkwise serve`, `chunkwise inspect`) answers, and which
 * pages may read its answers. One policy for both servers:
 *
 * - the request target is a path (`/v1/…`); an absolute-form target (`http://host/…`) is
 *   answered only when it names a loopback host, a malformed one is a 400;
 * - the `Host` header names a loopback host (`localhost`, 127.0.0.0/8, `::1`, any port), so a
 *   page whose DNS name was rebound to 127.0.0.1 gets a 421, not the recordings;
 * - a request from a page (`Origin`) is answered only for a loopback origin or one the user
 *   listed (`--cors`); `Origin: null` (sandboxed frames, `file:` pages) never is.
 */
import type { IncomingMessage } from 'node:http';
import { UsageError } from '../../errors.js';
import { isLoopbackHost } from './loopback.js';

export interface LocalRequestPolicy {
  /** Origins besides loopback ones whose pages may call the server (exact `scheme://host[:port]`). */
  corsOrigins?: readonly string[];
  /** Accept any `Host` (the server listens on the network on purpose, `--allow-remote`). */
  anyHost?: boolean;
}

/** Why a request is refused: the status and a one-line reason for the body. */
export interface Refusal {
  status: 400 | 403 | 421;
  message: string;
}

/**
 * The request's path (`/v1/chat/completions`, and with its query), or the refusal when the request is
 * not one to answer: a malformed or foreign target, a foreign `Host`, or a page of an origin
 * that may not call the server.
 *
 * @example
 * ```ts
 * const checked = checkLocalRequest(req, { corsOrigins: ['https://app.example'] });
 * if ('status' in checked) return refuse(res, checked);
 * ```
 */
export function checkLocalRequest(req: IncomingMessage, policy: LocalRequestPolicy = {}): { path: string; pathAndQuery: string } | Refusal {
  const target = req.url ?? '';
  let url: URL;
  if (target.startsWith('/')) {
    const parsed = parseOrUndefined(`http://localhost${target}`);
    if (!parsed) return { status: 400, message: 'the request target is not a valid path' };
    url = parsed;
  } else {
    const absolute = parseOrUndefined(target);
    if (!absolute || (absolute.protocol !== 'http:' && absolute.protocol !== 'https:')) return { status: 400, message: 'the request target must be a path such as /v1/chat/completions' };
    if (!isLoopbackHost(absolute.hostname)) return { status: 421, message: 'this server answers only requests for a loopback address' };
    url = absolute;
  }
  if (!policy.anyHost) {
    const host = hostOf(req.headers.host);
    if (host === undefined) return { status: 400, message: 'the Host header is missing or malformed' };
    if (!isLoopbackHost(host)) return { status: 421, message: 'this server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(origin, policy.corsOrigins ?? [])) {
    return { status: 403, message: 'pages of this origin may not call this server (start it with --cors ORIGIN to allow one)' };
  }
  return { path: url.pathname, pathAndQuery: `${url.pathname}${url.search}` };
}

/**
 * Whether a page of `origin` may call the server: a loopback `http:` / `https:` origin (any
 * port), or one of `extra`. `null` never is.
 *
 * @example
 * ```ts
 * isAllowedOrigin('http://localhost:5173', []); // true
 * isAllowedOrigin('null', ['null']); // false
 * ```
 */
export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  if (origin === 'null') return false;
  const url = parseOrUndefined(origin);
  if (!url || url.origin === 'null') return false;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname)) return true;
  return extra.includes(url.origin);
}

/**
 * The `--cors` / `corsOrigins` values as origins (`https://app.example:8443`), checked once at
 * start-up.
 *
 * @throws UsageError naming the value when it is not an http(s) origin (`*` and `null` included).
 * @example
 * ```ts
 * corsOriginsOf(['https://app.example/']); // ['https://app.example']
 * ```
 */
export function corsOriginsOf(values: readonly string[]): string[] {
  return values.map((value) => {
    const url = parseOrUndefined(value);
    const plain = url && (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if (!url || !plain) throw new UsageError(`--cors must be an origin such as https://app.example or http://10.0.0.5:3000, got "${value}"`);
    return url.origin;
  });
}

/** The host name of a `Host` header (`[::1]:8787` → `::1`), or undefined when it is not one. */
function hostOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || /[\s/?#@\\]/.test(header)) return undefined;
  const url = parseOrUndefined(`http://${header}`);
  return url ? url.hostname : undefined;
}

function parseOrUndefined(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
