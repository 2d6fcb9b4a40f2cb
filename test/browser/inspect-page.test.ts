import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { streamEvents } from '../../src/index.js';
import { readRecording } from '../../src/node.js';
import { createInspectServer, type InspectServer } from '../../src/node/inspect/server.js';
import { RECORDINGS, ROOT, runCli } from '../cli/run-cli.js';
import { chromiumPresent, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';

// The page is dist/inspect/index.html: `npm test` builds it first.
// The fixture has logprobs, a keep-alive after a stall and a tool call (test/inspect/fixtures/README.md).
const FIXTURE = join(ROOT, 'test/inspect/fixtures/logprobs-tool-call.sse');
const SCREENSHOTS = join(ROOT, '.tmp/screenshots');

/** What `chunkwise assemble` (the CLI, another process) makes of a file: the oracle. */
async function assembled(file: string, ...flags: string[]): Promise<{ code: number | null; json: any; stderr: string }> {
  const result = await runCli(['assemble', ...flags, file]);
  return { code: result.code, json: result.stdout ? JSON.parse(result.stdout) : undefined, stderr: result.stderr };
}

describe.runIf(chromiumPresent())('the chunkwise inspect page in headless Chromium', () => {
  let chromium: LaunchedChromium;
  let browser: BrowserContext;
  const servers: InspectServer[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    chromium = (await launchChromium())!;
    browser = chromium.context;
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    for (const server of servers) await server.close();
  });

  /** A page with no script errors; `problems` collects any that come later. */
  async function newPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    return { page, problems };
  }

  /** `chunkwise inspect FILE`, in process: the server with the recording, and the page on it, ready. */
  async function inspectFile(file: string, colorScheme: 'light' | 'dark' = 'light') {
    const server = await createInspectServer();
    servers.push(server);
    server.add(file.split('/').pop()!, await readRecording(file));
    const { page, problems } = await newPage();
    await page.emulateMedia({ colorScheme });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return { page, problems, server };
  }

  /** The page opened with no server, a recording picked with the file input. */
  async function inspectPicked(files: string[]) {
    const { page, problems } = await newPage();
    await page.goto(`file://${join(ROOT, 'dist/inspect/index.html')}`);
    await page.setInputFiles('#file', files);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return { page, problems };
  }

  const finalOnPage = (page: Page) => page.evaluate(() => (window as any).__inspect.entries.at(-1).final);

  it('draws the timeline, colours tokens by probability with their alternatives, shows the tool call and the final object of `assemble`', async () => {
    const { page, problems } = await inspectFile(FIXTURE);
    const recording = await readRecording(FIXTURE);
    const body = readFileSync(FIXTURE, 'utf8');
    const expected = await assembled(FIXTURE);
    expect(expected.code).toBe(0);

    // The timeline, in the words its canvas carries: one mark per SSE message, the keep-alive, the clock.
    const messages = body.split('\n\n').filter((m) => m.trim() !== '');
    const timeline = await page.$eval('#timeline', (c) => ({ ...(c as HTMLElement).dataset, width: (c as HTMLCanvasElement).width }) as Record<string, string | number>);
    expect(Number(timeline.messages)).toBe(messages.length);
    // Every public event the library emits for these bytes (in Node, from the source build) is on the timeline.
    const events = await lastValueFrom(streamEvents(recording.body, { partialArguments: true }).pipe(toArray()));
    expect(Number(timeline.events)).toBe(events.length);
    expect(Number(timeline.keepAlives)).toBe(messages.filter((m) => m.startsWith(':')).length);
    expect(Number(timeline.firstByte)).toBe(recording.pieces![0]!.at);
    expect(timeline.phases).toBe('waiting,writing,tool,done');
    expect(timeline.stalls).not.toBe('');
    expect(timeline.width).toBeGreaterThan(0);
    // The canvas is drawn: not one colour.
    const distinct = await page.$eval('#timeline', (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 37) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    });
    expect(distinct).toBeGreaterThan(3);

    // Tokens: the text is the assembled content; a likely and an unlikely token look different.
    const message = expected.json.choices[0].message;
    const logprobs = expected.json.choices[0].logprobs.content as Array<{ token: string; logprob: number; top_logprobs: Array<{ token: string }> }>;
    expect(await page.textContent('#content .tokens')).toBe(logprobs.map((t) => t.token).join(''));
    const likely = logprobs.findIndex((t) => Math.exp(t.logprob) >= 0.9);
    const unlikely = logprobs.findIndex((t) => Math.exp(t.logprob) < 0.5);
    expect(likely).toBeGreaterThanOrEqual(0);
    expect(unlikely).toBeGreaterThanOrEqual(0);
    const background = (i: number) => page.$eval(`#content .tok[data-i="${i}"]`, (el) => getComputedStyle(el).backgroundColor);
    expect(await background(likely)).not.toBe(await background(unlikely));
    await page.hover(`#content .tok[data-i="${unlikely}"]`);
    await page.waitForSelector('.tooltip:not([hidden])');
    const alternatives = await page.$$eval('.tooltip .tip-token', (els) => els.map((el) => JSON.parse(el.textContent!)));
    expect(alternatives).toEqual(logprobs[unlikely]!.top_logprobs.map((t) => t.token));

    // The tool call: its arguments as they came, the parsed value, and the partial value after each fragment.
    const call = message.tool_calls[0];
    expect(await page.textContent('[data-testid="tool-name"]')).toBe(call.function.name);
    expect(await page.textContent('[data-testid="tool-args"]')).toBe(call.function.arguments);
    expect(JSON.parse((await page.textContent('[data-testid="tool-parsed"]'))!)).toEqual(JSON.parse(call.function.arguments));
    const slider = page.locator('.tool-steps input');
    await slider.fill('0');
    const firstPartial = await page.textContent('[data-testid="tool-partial"]');
    expect(firstPartial).not.toBe(await page.textContent('[data-testid="tool-parsed"]'));

    // The final object: the page's own and the collapsible tree, both `assemble`'s.
    expect(await finalOnPage(page)).toEqual(expected.json);
    expect(await page.textContent('#final')).toContain(JSON.stringify(expected.json.id));
    expect(problems).toEqual([]);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.getAttribute('html', 'data-theme')).toBe(scheme);
      await page.hover(`#content .tok[data-i="${unlikely}"]`);
      await page.screenshot({ path: join(SCREENSHOTS, `inspect-${scheme}.png`), fullPage: true });
      // The README's picture (docs/inspect-dark.png is a copy of the dark one): the top of the page.
      await page.screenshot({ path: join(SCREENSHOTS, `inspect-${scheme}-top.png`), clip: { x: 0, y: 0, width: 1280, height: 900 } });
    }
    await page.close();
  }, 60_000);

  it('is usable from the keyboard: Tab moves between the parts, arrows between tokens and events, Enter selects', async () => {
    const { page, problems } = await inspectFile(FIXTURE);
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName);
    const selectedRow = () => page.$eval('#events-panel .vrow.selected', (el) => Number((el as HTMLElement).dataset.index)).catch(() => -1);

    await page.focus('#timeline');
    await page.keyboard.press('ArrowRight');
    expect(await page.textContent('[data-testid="event-bytes"]')).toContain('data: ');
    await page.keyboard.press('Tab');
    expect(await focused()).toContain('tokens content');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const active = await page.$eval('#content .tok.active', (el) => ({ i: Number((el as HTMLElement).dataset.i), event: Number((el as HTMLElement).dataset.event) }));
    expect(active.i).toBe(1);
    expect(await page.isVisible('.tooltip')).toBe(true);
    const before = await selectedRow();
    await page.keyboard.press('Enter');
    expect(await selectedRow()).toBe(active.event);
    expect(active.event).not.toBe(before);
    expect(await page.textContent('[data-testid="effect"]')).toMatch(/logprobs\.content\[1\]|content \+=/);

    // The event list: one tab stop, ↓ moves the selection and the detail follows.
    await page.focus('#events-panel .vlist');
    await page.keyboard.press('ArrowDown');
    expect(await selectedRow()).toBe(active.event + 1);
    await page.keyboard.press('End');
    const count = await page.evaluate(() => (window as any).__inspect.entries[0].events.length);
    expect(await selectedRow()).toBe(count - 1);
    expect(await page.textContent('[data-testid="effect"]')).toBe('the final object is complete');
    // n / p step through events from anywhere.
    await page.keyboard.press('p');
    expect(await selectedRow()).toBe(count - 2);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a request sent through --upstream live, as it streams, then the same object as `assemble`', async () => {
    // A tiny upstream that sends the first half of a recording's messages, then the rest when told.
    const file = join(RECORDINGS, 'openai-logprobs.sse');
    const messages = readFileSync(file, 'utf8').split(/(?<=\n\n)/);
    const half = Math.floor(messages.length / 2);
    let sendRest: () => void = () => {};
    const rest = new Promise<void>((resolve) => (sendRest = resolve));
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(messages.slice(0, half).join(''));
      void rest.then(() => res.end(messages.slice(half).join('')));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const server = await createInspectServer({ upstream: new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`) });
    servers.push(server);
    try {
      const { page, problems } = await newPage();
      await page.goto(server.url);
      await page.waitForSelector('#waiting:not([hidden])');
      const response = fetch(`${server.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'any', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      }).then((r) => r.arrayBuffer());
      const expected = await assembled(file);
      const content = expected.json.choices[0].message.content as string;
      // The first half is on the page while the answer is still open.
      await page.waitForFunction(() => document.body.dataset.ready === 'streaming' && (document.querySelector('#content .tokens')?.textContent ?? '').length > 0, undefined, { timeout: 20_000 });
      const midway = (await page.textContent('#content .tokens'))!;
      expect(content.startsWith(midway) && midway.length < content.length).toBe(true);
      expect(await page.getAttribute('[data-testid="phase"]', 'data-phase')).toBe('writing');
      sendRest();
      await response;
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(await page.textContent('#content .tokens')).toBe(content);
      expect(await finalOnPage(page)).toEqual(expected.json);
      expect(await page.textContent('.request-label')).toBe('POST /v1/chat/completions');
      expect(await page.isVisible('.request .save')).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      sendRest();
      await new Promise((resolve) => upstream.close(resolve));
    }
  }, 60_000);

  for (const name of ['openai-truncated.sse', 'ollama-chat-truncated.ndjson']) {
    it(`shows where ${name} broke, with the partial result of \`assemble --partial\``, async () => {
      const file = join(RECORDINGS, name);
      const expected = await assembled(file, '--partial');
      expect(expected.code).toBe(1);
      const { page, problems } = await inspectFile(file);
      expect(await page.isVisible('#error')).toBe(true);
      expect(`chunkwise: ${await page.textContent('[data-testid="error-message"]')}`).toBe(expected.stderr.trim());
      expect(await page.evaluate(() => (window as any).__inspect.entries[0].error.partial)).toEqual(expected.json);
      expect(await page.getAttribute('[data-testid="phase"]', 'data-phase')).toBe('failed');
      // The error sits at its byte offset: the button shows the message it happened in.
      const offset = await page.evaluate(() => (window as any).__inspect.entries[0].error.offset as number);
      expect(offset).toBeGreaterThan(0);
      await page.click('#error button');
      const span = (await page.locator('.detail-head strong', { hasText: 'bytes' }).textContent())!.match(/bytes (\d+)–(\d+)/)!;
      expect(Number(span[1])).toBeLessThanOrEqual(offset);
      expect(Number(span[2])).toBeGreaterThanOrEqual(offset);
      expect(await page.$$eval('#raw-panel .raw-error', (rows) => rows.length)).toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
  }

  it('opens Responses API and Ollama recordings picked from files, no server involved, as `assemble` reads them', async () => {
    const files = [join(RECORDINGS, 'responses/openai-function-call.sse'), join(RECORDINGS, 'ollama-chat-logprobs.ndjson')];
    const { page, problems } = await inspectPicked(files);
    const finals = await page.evaluate(() => (window as any).__inspect.entries.map((e: any) => e.final));
    expect(finals).toEqual([(await assembled(files[0]!)).json, (await assembled(files[1]!)).json]);
    // The Responses API call is drawn as a tool call; the Ollama tokens carry probability bands.
    expect(await page.textContent('[data-testid="tool-name"]')).toBe(finals[0].output.find((o: any) => o.type === 'function_call').name);
    // [ and ] move between requests once focus has left the file input.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(']');
    await page.waitForFunction(() => document.querySelector('.request.current .request-label')?.textContent === 'ollama-chat-logprobs.ndjson');
    expect(await page.$$eval('#content .tok[data-band]', (els) => els.length)).toBeGreaterThan(0);
    expect(await page.textContent('#content .tokens')).toBe(finals[1].message.content);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
