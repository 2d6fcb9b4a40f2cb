import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDINGS, ROOT, runCli } from '../cli/run-cli.js';
import { chromiumPresent, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';

// The page imports the built bundle (/dist/index.js): `npm test` builds it first.
const SCREENSHOTS = join(ROOT, '.tmp/screenshots');

async function assembled(name: string, ...flags: string[]): Promise<any> {
  const result = await runCli(['assemble', ...flags, join(RECORDINGS, name)]);
  return JSON.parse(result.stdout);
}

describe.runIf(chromiumPresent())('the chat demo (examples/chat) in headless Chromium', () => {
  let chromium: LaunchedChromium;
  let site: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const { startStaticServer } = (await import(pathToFileURL(join(ROOT, 'examples/typing-indicator/serve.mjs')).href)) as {
      startStaticServer(options?: { root?: string }): Promise<{ url: string; close(): Promise<void> }>;
    };
    site = await startStaticServer({ root: ROOT });
    chromium = (await launchChromium())!;
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await site?.close();
  });

  async function runAll(colorScheme: 'light' | 'dark'): Promise<{ page: Page; problems: string[]; turns: any[] }> {
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 760, height: 1280 });
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // Replayed 20 times faster than recorded: the order of the phases does not depend on the pace.
    await page.goto(`${site.url}/examples/chat/?auto=1&speed=20`);
    await page.waitForSelector('body[data-finished="true"]', { timeout: 30_000 });
    return { page, problems, turns: await page.evaluate(() => (window as any).__turns) };
  }

  it('goes through the phases of each answer in order, with the text `assemble` gives', async () => {
    const { page, problems, turns } = await runAll('light');
    expect(turns.map((t: any) => t.recording)).toEqual(['demo.ndjson', 'ollama-chat-thinking.ndjson', 'ollama-chat-tool-calls.ndjson', 'openai-midstream-error.sse']);
    const tool = (await assembled('ollama-chat-tool-calls.ndjson')).message.tool_calls[0].function;
    expect(turns.map((t: any) => t.phases)).toEqual([
      ['waiting', 'writing', 'done'],
      ['waiting', 'thinking', 'writing', 'done'],
      ['waiting', `tool:${tool.name}`, 'done'],
      ['waiting', 'writing', 'failed'],
    ]);
    expect(turns[0].text).toBe((await assembled('demo.ndjson')).response);
    expect(turns[1].text).toBe((await assembled('ollama-chat-thinking.ndjson')).message.content);
    expect(turns[3].text).toBe((await assembled('openai-midstream-error.sse', '--partial')).choices[0].message.content);
    expect(await page.locator('.msg.assistant').nth(1).locator('.thinking').textContent()).toBe((await assembled('ollama-chat-thinking.ndjson')).message.thinking);
    expect(JSON.parse((await page.locator('.tool pre').textContent())!)).toEqual(tool.arguments);
    const statuses = await page.locator('.status').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.phase));
    expect(statuses).toEqual(['done', 'done', 'done', 'failed']);
    expect(await page.locator('.error').last().textContent()).toMatch(/server had an error/);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-light.png'), fullPage: false });
    await page.close();
  }, 60_000);

  it('reads well in the dark theme too', async () => {
    const { page, problems } = await runAll('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).not.toBe('rgb(244, 245, 248)');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-dark.png'), fullPage: false });
    await page.close();
  }, 60_000);
});
