// How the `chunkwise inspect` page copes with a long stream: a generated chat-completions body
// with logprobs (bench/generate.mjs, seeded) and a timing sidecar, opened through the built CLI
// (`chunkwise inspect FILE`) in headless Chromium. Prints time to ready, long tasks, DOM size and
// how long a few interactions take to reach the next frame.
//
//   npm run build && node bench/inspect-page.mjs              # 200k tokens
//   node bench/inspect-page.mjs --size=20k
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureBody } from './generate.mjs';
import { cutPoints } from './lib/pieces.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
/** The generated streams arrive at this pace (a fast model), so the timeline spans a real time. */
const TOKENS_PER_SECOND = 80;

/** A sidecar cutting the body into 1–4 KiB network reads, spread evenly over the stream's time. */
export function writeTimingSidecar(body) {
  const cuts = cutPoints(body.bytes, body.name);
  const duration = (body.tokens / TOKENS_PER_SECOND) * 1000;
  const pieces = [];
  for (let i = 0; i < cuts.length; i += 2) pieces.push({ offset: cuts[i], length: cuts[i + 1] - cuts[i], at: Math.round(300 + (cuts[i + 1] / body.bytes) * duration) });
  const sidecar = { format: 'chunkwise-recording', version: 1, meta: { provider: 'openai', endpoint: '/v1/chat/completions', status: 200, contentType: 'text/event-stream', model: 'generated' }, pieces, end: { at: pieces.at(-1).at + 5, outcome: 'complete' } };
  writeFileSync(`${body.file}.json`, JSON.stringify(sidecar));
  return `${body.file}.json`;
}

/** `chunkwise inspect FILE` (the built CLI) until it prints its URL. */
function startInspect(file) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/chunkwise.js'), 'inspect', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`chunkwise inspect exited with ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const url = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out)?.[0];
      if (url) resolve({ url, stop: () => child.kill('SIGTERM') });
    });
  });
}

// Runs in the page before its own script: long tasks and the moment it is ready.
function watch() {
  window.__bench = { longTasks: [], readyAt: undefined };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    if (document.body?.dataset.ready === 'true' && window.__bench.readyAt === undefined) window.__bench.readyAt = performance.now();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
}

/** An interaction inside the page: from its event to the next frame painted, in ms. */
async function interaction(page, label, act) {
  const ms = await page.evaluate(async (source) => {
    const t0 = performance.now();
    new Function(source)();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - t0;
  }, act);
  return { label, ms: Math.round(ms * 10) / 10 };
}

const key = (selector, name) => `document.querySelector(${JSON.stringify(selector)}).dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(name)}, bubbles: true }))`;

export async function measure(size) {
  const body = ensureBody('openai-logprobs', size);
  writeTimingSidecar(body);
  const server = await startInspect(body.file);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(watch);
    await page.goto(server.url);
    await page.waitForFunction(() => window.__bench.readyAt !== undefined, undefined, { timeout: 600_000, polling: 200 });
    const loaded = await page.evaluate(() => ({
      readyAt: window.__bench.readyAt,
      longTasks: window.__bench.longTasks,
      domNodes: document.getElementsByTagName('*').length,
      tokenSpans: document.querySelectorAll('.tok').length,
      rows: document.querySelectorAll('.vrow').length,
      heapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : undefined,
      events: window.__inspect.entries[0].events.length,
    }));
    const before = loaded.longTasks.length;
    const interactions = [
      await interaction(page, 'End in the event list', key('#events-panel .vlist', 'End')),
      await interaction(page, 'PageUp in the event list', key('#events-panel .vlist', 'PageUp')),
      await interaction(page, 'End in the wire bytes', key('#raw-panel .vlist', 'End')),
      await interaction(page, 'scroll the text to the middle', `const t = document.querySelector('#content .tokens'); t.scrollTop = t.scrollHeight / 2;`),
      await interaction(page, '→ in the text (starts at the first token in view)', key('#content .tokens', 'ArrowRight')),
      await interaction(page, 'Enter on a token (select its event)', key('#content .tokens', 'Enter')),
      await interaction(page, 'n (next event)', key('body', 'n')),
    ];
    const after = (await page.evaluate(() => window.__bench.longTasks)).slice(before);
    const sum = (tasks) => Math.round(tasks.reduce((s, t) => s + t.duration, 0));
    const max = (tasks) => Math.round(Math.max(0, ...tasks.map((t) => t.duration)));
    return {
      size,
      tokens: body.tokens,
      bytes: body.bytes,
      events: loaded.events,
      readyMs: Math.round(loaded.readyAt),
      loadLongTasks: { count: before, totalMs: sum(loaded.longTasks), maxMs: max(loaded.longTasks) },
      domNodes: loaded.domNodes,
      tokenSpans: loaded.tokenSpans,
      listRows: loaded.rows,
      heapMB: loaded.heapMB,
      interactions,
      interactionLongTasks: { count: after.length, maxMs: max(after) },
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const size = process.argv.find((a) => a.startsWith('--size='))?.slice(7) ?? '200k';
  const result = await measure(size);
  console.log(JSON.stringify(result, null, 2));
}
