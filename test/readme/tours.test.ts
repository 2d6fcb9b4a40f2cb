// The README's five-minute tours, run as a user would run them: every fenced block marked
// `<!-- tour: NAME FILE -->` is written to FILE in a fresh folder per tour whose node_modules
// holds the built package (a link to this repository, so `import 'chunkwise'` goes through
// package.json's exports to dist/) and the tools the tour installs (vitest, openai). The `.sh`
// blocks run in order with `sh`; `serve.sh` runs in the background (`--port 0` appended, so that
// it takes a free port) for the steps after it. Nothing reaches the network: the live tour talks
// to that local `chunkwise serve`, the others replay bundled recordings. The outputs are checked
// against the recordings themselves (their `.expected.json` and their wire bytes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeText, tourBlocks, type TourBlock } from './readme-markdown.js';

const ROOT = join(__dirname, '../..');
const TOOLS = ['openai', 'vitest'];
const BINS: Record<string, string> = { chunkwise: join(ROOT, 'bin/chunkwise.js'), vitest: join(ROOT, 'node_modules/vitest/vitest.mjs') };
const STEP_TIMEOUT_MS = 90_000;

const blocks = tourBlocks(readmeText());
const folders: string[] = [];
const servers: ChildProcess[] = [];

afterAll(() => {
  for (const server of servers) if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The environment of a user's shell: none of this test run's own vitest variables, no colours. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'CI' && key !== 'TEST') env[key] = value;
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** A folder as after `npm install chunkwise` (and the tour's dev tools), with the tour's files written. */
function tourFolder(tour: string): { dir: string; steps: TourBlock[] } {
  const dir = mkdtempSync(join(tmpdir(), `chunkwise-tour-${tour}-`));
  folders.push(dir);
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/chunkwise'), 'dir');
  for (const tool of TOOLS) symlinkSync(join(ROOT, 'node_modules', tool), join(dir, 'node_modules', tool), 'dir');
  for (const [bin, target] of Object.entries(BINS)) symlinkSync(target, join(dir, 'node_modules/.bin', bin));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `tour-${tour}`, private: true, type: 'module' }));
  const own = blocks.filter((b) => b.tour === tour);
  for (const block of own.filter((b) => !b.file.endsWith('.sh'))) {
    mkdirSync(dirname(join(dir, block.file)), { recursive: true });
    writeFileSync(join(dir, block.file), block.code);
  }
  return { dir, steps: own.filter((b) => b.file.endsWith('.sh')) };
}

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runStep(dir: string, script: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the tour's `serve.sh` on a free port; resolves with its URL once it listens, and collects its request log. */
function startServer(dir: string, script: string): Promise<{ url: string; log: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${script.trim()} --port 0`], { cwd: dir, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    servers.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const url = / at (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ url, log: () => stderr });
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`serve.sh exited (${code}) before listening:\n${stdout}\n${stderr}`)));
  });
}

/** Runs a tour's shell steps in order; every step must exit 0. Returns the last step's output. */
async function runTour(tour: string): Promise<{ dir: string; last: StepResult; serverLog: () => string }> {
  const { dir, steps } = tourFolder(tour);
  expect(steps.length, `the ${tour} tour has shell steps`).toBeGreaterThan(0);
  let env = userEnv();
  let serverLog = () => '';
  let last: StepResult | undefined;
  for (const step of steps) {
    if (step.file === 'serve.sh') {
      const server = await startServer(dir, step.code);
      env = userEnv({ OPENAI_BASE_URL: `${server.url}/v1` });
      serverLog = server.log;
      continue;
    }
    last = await runStep(dir, step.code, env);
    expect(last.code, `${tour}/${step.file} (${step.code.trim()}) failed:\n${last.stdout}\n${last.stderr}`).toBe(0);
  }
  return { dir, last: last!, serverLog };
}

const recordingPath = (name: string) => join(ROOT, 'recordings', name);
const expectedOf = (name: string) => JSON.parse(readFileSync(recordingPath(`${name}.expected.json`), 'utf8'));

/** The `data:` payloads of an SSE recording, read without chunkwise (the test's own oracle). */
function ssePayloads(file: string): Array<Record<string, any>> {
  return readFileSync(recordingPath(file), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '[DONE]')
    .map((line) => JSON.parse(line.slice(5)));
}

/** The phases a chat UI goes through for a chat-completions stream, from its deltas: thinking, writing, one per tool name. */
function phasesOf(file: string): string[] {
  const phases = ['waiting'];
  const enter = (phase: string) => phases.at(-1) !== phase && phases.push(phase);
  for (const payload of ssePayloads(file)) {
    const delta = payload.choices?.[0]?.delta ?? {};
    if (delta.reasoning_content || delta.reasoning) enter('thinking');
    if (delta.content) enter('writing');
    for (const call of delta.tool_calls ?? []) if (call.function?.name) enter(`tool ${call.function.name}`);
  }
  phases.push('done');
  return phases;
}

describe('the README five-minute tours', () => {
  it('marks the three tours (live, replay, typing), each with code and a step to run', () => {
    expect(existsSync(join(ROOT, 'dist/index.js')), 'dist/ is built (npm test builds it first; else run npx tsup)').toBe(true);
    expect([...new Set(blocks.map((b) => b.tour))]).toEqual(['live', 'replay', 'typing']);
    for (const tour of ['live', 'replay', 'typing']) expect(blocks.some((b) => b.tour === tour && !b.file.endsWith('.sh')), tour).toBe(true);
  });

  it('live: the stream from `chunkwise serve` is printed as it arrives, then the final object', { timeout: STEP_TIMEOUT_MS }, async () => {
    const { last, serverLog } = await runTour('live');
    const served = /POST \/v1\/chat\/completions 200 (\S+)/.exec(serverLog())?.[1];
    expect(served, `serve answered the request:\n${serverLog()}`).toBeDefined();
    const [choice] = expectedOf(served!).choices;
    expect(last.stdout.startsWith(choice.message.content), last.stdout).toBe(true);
    expect(last.stdout).toContain(choice.finish_reason);
    expect(last.stdout).toContain(String(choice.message.content.length));
  });

  it('replay: the vitest test passes on the bundled recording, replayed, recording nothing', { timeout: STEP_TIMEOUT_MS }, async () => {
    const { dir, last } = await runTour('replay');
    expect(`${last.stdout}${last.stderr}`).toMatch(/Tests\s+1 passed \(1\)/);
    const seeded = readdirSync(join(dir, 'test/recordings'));
    expect(seeded.length).toBeGreaterThan(0);
    // The seeded recording answered: nothing new was recorded beside it.
    for (const file of seeded) expect(existsSync(recordingPath(file)), file).toBe(true);
  });

  it('typing: the phases follow the recording the tour replays (waiting, thinking, its tool, done)', { timeout: STEP_TIMEOUT_MS }, async () => {
    const code = blocks.find((b) => b.tour === 'typing' && b.file.endsWith('.mjs'))!.code;
    const file = /recordings\/([\w.-]+\.sse)/.exec(code)?.[1];
    expect(file, 'the typing tour replays a bundled .sse recording').toBeDefined();
    const expected = phasesOf(file!);
    const tools = expected.filter((p) => p.startsWith('tool ')).map((p) => p.slice(5));
    const { last } = await runTour('typing');
    // A loaded machine may show a pause between two tokens; the phases themselves are what is checked.
    const seen: string[] = [];
    for (const line of last.stdout.split('\n').filter(Boolean)) {
      const label = line.replace(/ \(paused\)$/, '');
      const tool = tools.find((name) => label.includes(name));
      const phase = tool !== undefined ? `tool ${tool}` : label;
      if (seen.at(-1) !== phase) seen.push(phase);
    }
    expect(seen).toEqual(expected);
  });
});
