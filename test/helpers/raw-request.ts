import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One real HTTP request to 127.0.0.1:`port` with exactly the target and headers given: node:http
 * sends `target` as it is (absolute-form, `*`, traversal) and, with `setHost: false`, no Host.
 *
 * @example
 * ```ts
 * const answer = await rawRequest(server.port, 'http://other.host/recordings', { headers: { host: 'evil.example' } });
 * ```
 */
export function rawRequest(port: number, target: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; setHost?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method: options.method ?? 'GET', headers: options.headers ?? {}, setHost: options.setHost ?? true }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
