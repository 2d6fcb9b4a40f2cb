import { get, type IncomingMessage } from 'node:http';
import type { Observable } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, IdleTimeoutError } from '../../src/errors.js';
import { fromSource } from '../../src/sources/from-source.js';
import { idleTimeout } from '../../src/sources/idle-timeout.js';
import { decodeSse, type SseMessage } from '../../src/transports/sse.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

/*
 * Against a real HTTP server on 127.0.0.1: cancelling on the client side must close the
 * connection, which the server sees as `close` before it ended the response. Every wait here
 * is on an event (no sleeps, no timing assertions); vitest's timeout catches a hang.
 */

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const nodeGet = (url: string) => new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject));

/** Subscribes; resolves with the subscription once the first piece has arrived. */
function firstPiece<T>(source: Observable<T>, onError: (e: unknown) => void = () => {}) {
  return new Promise<{ unsubscribe(): void }>((resolve) => {
    let first = true;
    const subscription = source.subscribe({
      next: () => {
        if (first) {
          first = false;
          queueMicrotask(() => resolve(subscription));
        }
      },
      error: onError,
    });
  });
}

describe('cancelling closes the HTTP connection', () => {
  it('unsubscribing from a fetch Response closes the connection while the server is still sending', async () => {
    const response = fetch(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('data: 1\n\n');
    const subscription = await firstPiece(fromSource(await response));
    subscription.unsubscribe();
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('unsubscribing before the fetch resolved closes the connection once the response arrives', async () => {
    const subscription = fromSource(fetch(server.url)).subscribe({ error: () => {} });
    const exchange = await server.nextExchange();
    subscription.unsubscribe();
    await exchange.write('data: 1\n\n');
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('[DONE] completes decodeSse and closes the connection, though the server keeps it open', async () => {
    const response = fetch(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('data: {"n":1}\n\ndata: [DONE]\n\n');
    const messages: SseMessage[] = [];
    await new Promise<void>((resolve) => fromSource(response).pipe(decodeSse()).subscribe({ next: (m) => messages.push(m), complete: resolve }));
    expect(messages.map((m) => m.data)).toEqual(['{"n":1}', '[DONE]']);
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('an AbortSignal closes a fetch connection and fails with an AbortError', async () => {
    const controller = new AbortController();
    const response = fetch(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('data: 1\n\n');
    const failed = new Promise<unknown>((resolve) => {
      void firstPiece(fromSource(response, { signal: controller.signal }), resolve).then(() => controller.abort(new Error('stop')));
    });
    expect(await failed).toBeInstanceOf(AbortError);
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('unsubscribing before a promised Node Readable arrived closes its connection once it does', async () => {
    const subscription = fromSource(nodeGet(server.url)).subscribe({ error: () => {} });
    const exchange = await server.nextExchange();
    subscription.unsubscribe();
    await exchange.write('{"n":1}\n');
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('unsubscribing from a Node http.get Readable closes the connection without waiting for another piece', async () => {
    const message = nodeGet(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('{"n":1}\n');
    const subscription = await firstPiece(fromSource(await message));
    subscription.unsubscribe();
    // The server sends nothing more: a close now can only come from the client.
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('an AbortSignal closes a Node http.get connection and fails with an AbortError', async () => {
    const controller = new AbortController();
    const message = nodeGet(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('{"n":1}\n');
    const failed = new Promise<unknown>((resolve) => {
      void message.then((readable) => firstPiece(fromSource(readable, { signal: controller.signal }), resolve)).then(() => controller.abort());
    });
    expect(await failed).toBeInstanceOf(AbortError);
    expect(await exchange.closed).toEqual({ byClient: true });
  });

  it('idleTimeout closes the connection of a server that stops sending', async () => {
    const response = fetch(server.url);
    const exchange = await server.nextExchange();
    await exchange.write('data: 1\n\n');
    const messages: string[] = [];
    const failure = await new Promise<unknown>((resolve) => {
      void response.then((r) =>
        fromSource(r)
          .pipe(idleTimeout(50), decodeSse())
          .subscribe({ next: (m) => messages.push(m.data), error: resolve }),
      );
    });
    expect(messages).toEqual(['1']);
    expect(failure).toBeInstanceOf(IdleTimeoutError);
    expect(await exchange.closed).toEqual({ byClient: true });
  });
});
