import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/index.js';
import { publish } from '../../src/redis.js';
import { RECORDINGS } from '../cli/run-cli.js';
import { CLIENTS } from './clients.js';
import { gatedRecording } from './gated-source.js';
import { startInstance, type Instance } from './instances.js';
import { skipWithoutRedis, startRedis, type RedisServer } from './redis-server.js';

const SUBSCRIBERS = 1000;

interface Client {
  text: string;
  ids: string[];
  final: unknown;
  status: number;
  ended: Promise<void>;
}

describe.skipIf(skipWithoutRedis)('chunkwise/redis over real loopback HTTP', () => {
  let server: RedisServer;
  let instance: Instance;
  beforeAll(async () => {
    server = await startRedis();
    instance = await startInstance(server.url, 'a');
  });
  afterAll(async () => {
    instance?.stop();
    await server?.stop();
  });

  it(`${SUBSCRIBERS} concurrent EventSource-style subscribers of one stream, joined mid-stream, all get the whole text and final object`, async () => {
    const { client, close } = await CLIENTS['node-redis'](server.url);
    const recording = gatedRecording(join(RECORDINGS, 'openai-text-usage.sse'));
    const key = 'http:many';
    const half = Math.floor(recording.messages.length / 2);
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    try {
      const publication = await publish(recording.response, { redis: client as never, key });
      recording.send(0, half);
      let live = 0;
      let allLive!: () => void;
      const everyoneLive = new Promise<void>((resolve) => (allLive = resolve));
      const clients: Client[] = Array.from({ length: SUBSCRIBERS }, () => {
        const c = { text: '', ids: [] as string[], final: undefined as unknown, status: 0 } as Client;
        let counted = false;
        c.ended = new Promise<void>((resolve, reject) => {
          const parser = createParser({
            onEvent(event) {
              c.ids.push(event.id ?? '');
              const data = JSON.parse(event.data);
              if (event.event === 'content.delta' && data.choice === 0) c.text += data.delta;
              if (event.event === 'done') c.final = data.response;
              if (!counted) {
                counted = true;
                if (++live === SUBSCRIBERS) allLive();
              }
            },
          });
          get(`http://127.0.0.1:${instance.port}/events?key=${key}`, { agent }, (res) => {
            c.status = res.statusCode ?? 0;
            res.setEncoding('utf8');
            res.on('data', (text: string) => parser.feed(text));
            res.on('end', resolve);
            res.on('error', reject);
          }).on('error', reject);
        });
        return c;
      });
      await everyoneLive;
      // One reader for the key in the serving process, however many subscribers: its connection and one for XREAD BLOCK (plus ours).
      const list = String(await (client as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(['CLIENT', 'LIST'])).trim().split('\n');
      expect(list.length).toBe(3);
      expect(list.filter((line) => line.includes('cmd=xread')).length).toBe(1);
      recording.send(half, recording.messages.length);
      recording.end();
      await Promise.all(clients.map((c) => c.ended));

      const final = (await assemble(recording.whole())) as { choices: { message: { content: string } }[] };
      expect(await publication.done).toEqual(final);
      const wrong = clients.filter((c) => c.status !== 200 || c.text !== final.choices[0]!.message.content || JSON.stringify(c.final) !== JSON.stringify(final));
      expect(wrong.length).toBe(0);
      // Every client got the same ids, each once, in the stream's order.
      const ids = clients[0]!.ids;
      expect(new Set(ids).size).toBe(ids.length);
      expect(clients.every((c) => c.ids.join() === ids.join())).toBe(true);
      expect(instance.requests.length).toBe(SUBSCRIBERS);
    } finally {
      agent.destroy();
      await close();
    }
  }, 60_000);
});
