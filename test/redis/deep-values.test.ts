import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError, assemble } from '../../src/index.js';
import { publish, subscribe, toSseResponse } from '../../src/redis.js';
import { jsonText } from '../../src/assembly/json-text.js';
import { reviveError, serializeError } from '../../src/redis/errors.js';
import { CLIENTS } from './clients.js';
import { skipWithoutRedis, startRedis, type RedisServer } from './redis-server.js';

/*
 * Values as deep as the core's depth limit lets through (issue 19 item 1's audit): JSON.stringify
 * throws a RangeError past a few thousand levels, so chunks, final objects, SSE frames and
 * error entries are written without recursion.
 */

const DEPTH = 20_000;
const deep = () => '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const HEAD = '"id":"c","object":"chat.completion.chunk","created":1,"model":"m"';
const BODY = [
  `data: {${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}`,
  `data: {${HEAD},"deep":${deep()},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
  'data: [DONE]',
].join('\n\n') + '\n\n';
const response = () => new Response(BODY, { headers: { 'content-type': 'text/event-stream' } });

describe('errors with a deep partial', () => {
  it('serializeError writes and reviveError reads a partial nested 20,000 levels', () => {
    const error = new ParseError('bad', { partial: JSON.parse(`{"deep":${deep()}}`) });
    const revived = reviveError(serializeError(error));
    expect(revived).toBeInstanceOf(ParseError);
    expect(JSON.parse(serializeError(revived)).fields.partial.deep.a.a.a).toBeTypeOf('object');
  });
});

describe.skipIf(skipWithoutRedis)('chunkwise/redis with a chunk nested 20,000 levels (real redis-server)', () => {
  let server: RedisServer;
  let close: () => unknown = () => {};
  let redis: never;

  beforeAll(async () => {
    server = await startRedis();
    const connected = await CLIENTS['node-redis'](server.url);
    redis = connected.client as never;
    close = connected.close;
  });
  afterAll(async () => {
    await close();
    await server?.stop();
  });

  it('publish, subscribe and toSseResponse carry it whole', async () => {
    const key = 'test:deep:1';
    const publication = await publish(response(), { redis, key, ttlMs: 60_000 });
    const final = (await subscribe(key, { redis }).final) as { deep: unknown; choices: Array<{ message: { content: string } }> };
    await publication.done;
    // Compared as JSON text: a recursive deep equality would overflow the stack itself.
    expect(jsonText(final)).toBe(jsonText(await assemble(response())));
    expect(final.choices[0]!.message.content).toBe('Hi');
    const sse = await (await toSseResponse(key, new Request('http://app/events'), { redis })).text();
    expect(sse).toContain('event: done');
    expect(sse.length).toBeGreaterThan(2 * 6 * DEPTH);
  });
});
