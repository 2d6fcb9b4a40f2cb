import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/node.js';
import { createInspectServer, type InspectServer } from '../../src/node/inspect/server.js';
import { ROOT, runCli } from '../cli/run-cli.js';
import { chromiumPresent, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';

// A long stream: bench/generate.mjs's seeded chat-completions body with logprobs (20k tokens,
// 60k events; `node bench/inspect-page.mjs` measures the 200k one), with bench/inspect-page.mjs's
// timing sidecar. Only what the page holds is asserted here, never how long it took.
interface Body {
  file: string;
  tokens: number;
}
const bench = (name: string) => import(pathToFileURL(join(ROOT, 'bench', name)).href);

describe.runIf(chromiumPresent())('the inspect page on a long stream', () => {
  let chromium: LaunchedChromium;
  let server: InspectServer;
  let body: Body;

  beforeAll(async () => {
    body = (await bench('generate.mjs')).ensureBody('openai-logprobs', '20k') as Body;
    (await bench('inspect-page.mjs')).writeTimingSidecar(body);
    server = await createInspectServer();
    server.add('long', await readRecording(body.file));
    chromium = (await launchChromium())!;
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  it('keeps the DOM small (lists and text render what is in view) and still reaches every event', async () => {
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const held = await page.evaluate(() => ({
      events: (window as any).__inspect.entries[0].events.length as number,
      nodes: document.getElementsByTagName('*').length,
      tokenSpans: document.querySelectorAll('#content .tok').length,
      rows: document.querySelectorAll('.vrow').length,
      textLength: document.querySelector('#content .tokens')!.textContent!.length,
      content: (window as any).__inspect.entries[0].final.choices[0].message.content as string,
    }));
    const expected = JSON.parse((await runCli(['assemble', body.file])).stdout);
    expect(held.content).toBe(expected.choices[0].message.content);
    expect(held.textLength).toBe(expected.choices[0].message.content.length);
    expect(held.events).toBeGreaterThan(body.tokens * 2);
    // Far fewer nodes than tokens or events: off-screen rows and tokens cost nothing.
    expect(held.nodes).toBeLessThan(body.tokens / 10);
    expect(held.tokenSpans).toBeLessThan(body.tokens / 10);
    expect(held.rows).toBeLessThan(120);

    // The last event is one key away, and the list still holds only the rows in view.
    await page.focus('#events-panel .vlist');
    await page.keyboard.press('End');
    expect(await page.$eval('#events-panel .vrow.selected', (el) => Number((el as HTMLElement).dataset.index))).toBe(held.events - 1);
    expect(await page.$$eval('.vrow', (rows) => rows.length)).toBeLessThan(120);
    // The text's far end becomes spans when it scrolls into view.
    await page.$eval('#content .tokens', (el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction(() => document.querySelector('#content .tblock:last-child .tok') !== null);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
