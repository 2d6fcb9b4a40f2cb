import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, type ReplayServer } from '../../src/node.js';
import { RECORDINGS, ROOT, runCli } from '../cli/run-cli.js';
import { chromiumPresent, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';

// The page imports the built bundle (/dist/index.js): `npm test` builds it first.
// Chromium: test/helpers/chromium.ts (skips locally with one line when missing, never under CI=true).

describe.runIf(chromiumPresent())('the pages in headless Chromium', () => {
  let chromium: LaunchedChromium;
  let browser: BrowserContext;
  let replay: ReplayServer;
  let responsesReplay: ReplayServer;
  let site: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const { startStaticServer } = (await import(pathToFileURL(join(ROOT, 'examples/typing-indicator/serve.mjs')).href)) as {
      startStaticServer(options?: { root?: string }): Promise<{ url: string; close(): Promise<void> }>;
    };
    site = await startStaticServer({ root: ROOT });
    // Untimed recordings play at an even pace, so the page sees tokens arrive one by one.
    replay = await createReplayServer({ dir: RECORDINGS, tokensPerSecond: 40 });
    responsesReplay = await createReplayServer({ dir: `${RECORDINGS}/responses`, tokensPerSecond: 40 });
    chromium = (await launchChromium())!;
    browser = chromium.context;
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await replay?.close();
    await responsesReplay?.close();
    await site?.close();
  });

  async function openPage(recording: string, server: ReplayServer = replay): Promise<Page> {
    const page = await browser.newPage();
    const problems: string[] = [];
    let failed: (error: Error) => void = () => {};
    const failure = new Promise<never>((_, reject) => (failed = reject));
    failure.catch(() => {}); // a problem during goto is reported by the race below
    const problem = (text: string) => {
      problems.push(text);
      failed(new Error(`the page failed: ${text}`));
    };
    page.on('pageerror', (error) => problem(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problem(message.text());
    });
    await page.goto(`${site.url}/examples/typing-indicator/?server=${encodeURIComponent(server.url)}&recording=${recording}`);
    await Promise.race([failure, page.waitForFunction(() => document.body.dataset.finished === 'true', undefined, { timeout: 20_000 })]);
    expect(problems).toEqual([]);
    return page;
  }

  async function assembled(recording: string) {
    const result = await runCli(['assemble', `${RECORDINGS}/${recording}`]);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  }

  function expectIndicatorSequence(states: string[]) {
    expect(states[0]).toBe('waiting');
    expect(states[1]).toBe('typing');
    expect(states.at(-1)).toBe('done');
    // Between the first token and the end, only typing and (if the stream stalls) paused.
    for (const state of states.slice(1, -1)) expect(['typing', 'paused']).toContain(state);
  }

  describe('the typing-indicator page in headless Chromium', () => {
    it('shows reasoning and text assembling over SSE, the indicator going waiting → typing → done', async () => {
      const page = await openPage('compat-reasoning-content');
      const expected = await assembled('compat-reasoning-content.sse');
      expectIndicatorSequence(await page.evaluate(() => (window as any).__states));
      expect(await page.textContent('#content')).toBe(expected.choices[0].message.content);
      expect(await page.textContent('#reasoning')).toBe(expected.choices[0].message.reasoning_content);
      expect(await page.getAttribute('#indicator', 'data-state')).toBe('done');
      expect(await page.evaluate(() => (window as any).__final)).toEqual(expected);
      await page.close();
    });

    it('shows Ollama NDJSON the same way', async () => {
      const page = await openPage('ollama-chat-thinking');
      const expected = await assembled('ollama-chat-thinking.ndjson');
      expectIndicatorSequence(await page.evaluate(() => (window as any).__states));
      expect(await page.textContent('#content')).toBe(expected.message.content);
      expect(await page.textContent('#reasoning')).toBe(expected.message.thinking);
      await page.close();
    });

    it('shows a Responses API stream (POST /v1/responses) with the same page code', async () => {
      const page = await openPage('xai-grok-4.3-reasoning-then-text', responsesReplay);
      const expected = await assembled('responses/xai-grok-4.3-reasoning-then-text.sse');
      expectIndicatorSequence(await page.evaluate(() => (window as any).__states));
      const message = expected.output.find((item: any) => item.type === 'message');
      const reasoning = expected.output.find((item: any) => item.type === 'reasoning');
      expect(await page.textContent('#content')).toBe(message.content.map((p: any) => p.text).join(''));
      expect(await page.textContent('#reasoning')).toBe(reasoning.summary.map((p: any) => p.text).join(''));
      expect(await page.evaluate(() => (window as any).__final)).toEqual(expected);
      await page.close();
    });

    it('fills in Responses API function-call arguments as they stream', async () => {
      const page = await openPage('deepseek-v4-flash-reasoning-text-then-function-call', responsesReplay);
      const expected = await assembled('responses/deepseek-v4-flash-reasoning-text-then-function-call.sse');
      const calls = expected.output.filter((item: any) => item.type === 'function_call');
      expect(await page.locator('.tool .name').allTextContents()).toEqual(calls.map((c: any) => c.name));
      expect(await page.locator('.tool .args').allTextContents()).toEqual(calls.map((c: any) => c.arguments));
      await page.close();
    });

    it('fills in tool-call arguments as they stream', async () => {
      const page = await openPage('openai-parallel-tool-calls');
      const expected = await assembled('openai-parallel-tool-calls.sse');
      expectIndicatorSequence(await page.evaluate(() => (window as any).__states));
      const calls = expected.choices[0].message.tool_calls;
      expect(await page.locator('.tool .name').allTextContents()).toEqual(calls.map((c: any) => c.function.name));
      expect(await page.locator('.tool .args').allTextContents()).toEqual(calls.map((c: any) => c.function.arguments));
      const parsed = await page.locator('.tool pre').allTextContents();
      expect(parsed.map((text) => JSON.parse(text))).toEqual(calls.map((c: any) => JSON.parse(c.function.arguments)));
      await page.close();
    });
  });
});
