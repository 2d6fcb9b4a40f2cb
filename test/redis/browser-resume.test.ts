import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/index.js';
import { publish } from '../../src/redis.js';
import { RECORDINGS } from '../cli/run-cli.js';
import { chromiumPresent, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';
import { CLIENTS } from './clients.js';
import { gatedRecording } from './gated-source.js';
import { startInstance, startProxy, type Instance, type RoundRobinProxy } from './instances.js';
import { skipWithoutRedis, startRedis, type RedisServer } from './redis-server.js';

// The instances import the built bundle (dist/redis.js): `npm test` builds it first.
describe.skipIf(skipWithoutRedis || !chromiumPresent())('a real Chromium EventSource resumes on another instance after the connection is cut', () => {
  let server: RedisServer;
  let instances: Instance[];
  let proxy: RoundRobinProxy;
  let chromium: LaunchedChromium;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startRedis();
    instances = await Promise.all([startInstance(server.url, 'a'), startInstance(server.url, 'b')]);
    proxy = await startProxy(instances.map((i) => i.port));
    chromium = (await launchChromium())!;
    browser = chromium.context;
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await proxy?.close();
    for (const i of instances ?? []) i.stop();
    await server?.stop();
  });

  it('starts on one instance, is cut mid-stream, reconnects with Last-Event-ID through the balancer and finishes on the other with the same text', async () => {
    const { client, close } = await CLIENTS.ioredis(server.url);
    const recording = gatedRecording(join(RECORDINGS, 'openai-logprobs.sse'));
    const key = 'browser:resume';
    const half = Math.floor(recording.messages.length / 2);
    try {
      const publication = await publish(recording.response, { redis: client as never, key });
      recording.send(0, half);
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`http://127.0.0.1:${proxy.port}/?key=${key}`);
      await page.waitForFunction(() => (window as unknown as { state: { deltas: number } }).state.deltas > 0, undefined, { timeout: 20_000 });
      const before = await page.evaluate(() => (window as unknown as { state: { text: string; ids: string[] } }).state);

      // The first /events went to one instance; the balancer now sends new connections to the other, and the link drops.
      const first = instances.find((i) => i.requests.length > 0)!;
      const other = instances.find((i) => i !== first)!;
      proxy.prefer(other.port);
      proxy.cut();
      await other.requested(1);
      recording.send(half, recording.messages.length);
      recording.end();
      await page.waitForFunction(() => document.body.dataset.finished === 'true', undefined, { timeout: 20_000 });
      const state = await page.evaluate(() => (window as unknown as { state: { text: string; ids: string[]; opened: number; errors: unknown[]; final: unknown } }).state);

      const final = (await assemble(recording.whole())) as { choices: { message: { content: string } }[] };
      expect(await publication.done).toEqual(final);
      expect(problems).toEqual([]);
      expect(state.errors).toEqual([]);
      expect(state.text).toBe(final.choices[0]!.message.content);
      expect(state.final).toEqual(final);
      expect(state.text.startsWith(before.text)).toBe(true);
      expect(new Set(state.ids).size).toBe(state.ids.length);
      // The reconnect carried the id of the last event the page saw before the cut (the stream's id, not a made-up one).
      expect(first.requests).toEqual(['-']);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]).toMatch(/^\d+-\d+:\d+$/);
      expect(state.opened).toBe(2);
    } finally {
      await close();
    }
  }, 60_000);
});
