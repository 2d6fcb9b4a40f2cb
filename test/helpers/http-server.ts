import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny real HTTP server on 127.0.0.1 (port 0) for tests. Each request becomes an `Exchange`
 * that the test drives by hand: it writes pieces when it wants, and learns whether the client
 * closed the connection before the server ended the response.
 *
 * @example
 * ```ts
 * const server = await startTestServer();
 * const response = fetch(server.url);
 * const exchange = await server.nextExchange();
 * await exchange.write('data: 1\n\n');
 * expect(await exchange.closed).toEqual({ byClient: true });
 * ```
 */
export interface TestServer {
  readonly url: string;
  /** Resolves with the next request that arrives (or one that already arrived and was not taken). */
  nextExchange(): Promise<Exchange>;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Sends the status and headers now (done by the first write otherwise). */
  head(status?: number, headers?: Record<string, string>): void;
  /** Writes one piece and resolves once Node has handed it to the socket. */
  write(piece: string | Uint8Array): Promise<void>;
  /** Ends the response, optionally with a last piece. */
  end(piece?: string | Uint8Array): Promise<void>;
  /**
   * Resolves when the connection of this response closes: `byClient` is true when that
   * happened before the server ended the response (the client cancelled).
   */
  readonly closed: Promise<{ byClient: boolean }>;
}

export interface TestServerOptions {
  /** Status of every response (default 200). */
  status?: number;
  /** Headers of every response (default: `content-type: text/event-stream`). */
  headers?: Record<string, string>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const waiting: Array<(exchange: Exchange) => void> = [];
  const arrived: Exchange[] = [];

  const server: Server = createServer((request, response) => {
    const exchange = makeExchange(request, response, options);
    const taker = waiting.shift();
    if (taker) taker(exchange);
    else arrived.push(exchange);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    nextExchange() {
      const ready = arrived.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function makeExchange(request: IncomingMessage, response: ServerResponse, options: TestServerOptions): Exchange {
  const closed = new Promise<{ byClient: boolean }>((resolve) => {
    // `close` also fires after a normal end; writableFinished tells the two apart.
    response.on('close', () => resolve({ byClient: !response.writableFinished }));
  });
  const head = (status = options.status ?? 200, headers = options.headers ?? { 'content-type': 'text/event-stream' }) => {
    if (!response.headersSent) response.writeHead(status, headers);
  };
  return {
    request,
    response,
    head,
    write(piece) {
      head();
      return new Promise((resolve, reject) => response.write(piece, (error) => (error ? reject(error) : resolve())));
    },
    end(piece) {
      head();
      return new Promise((resolve) => response.end(piece ?? '', () => resolve()));
    },
    closed,
  };
}
