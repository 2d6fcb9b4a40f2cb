import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RECORDINGS = `${ROOT}recordings`;
const BIN = `${ROOT}bin/chunkwise.js`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/chunkwise.js ...args` (the built CLI) with stdout and stderr as pipes (not a
 * terminal), colours left to the environment given (NO_COLOR / FORCE_COLOR removed unless set).
 */
export function runCli(args: string[], options: { stdin?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export interface RecordingCase {
  name: string;
  body: string;
  expected: any;
  /** `{ error, partial }` expected files describe a failing stream. */
  fails: boolean;
}

/** Every recording in recordings/ that has a NAME.expected.json. */
export function recordingCases(): RecordingCase[] {
  const files = readdirSync(RECORDINGS);
  const cases: RecordingCase[] = [];
  for (const file of files) {
    const match = /^(.*)\.(sse|ndjson|jsonl)$/.exec(file);
    if (!match || !files.includes(`${match[1]}.expected.json`)) continue;
    const expected = JSON.parse(readFileSync(`${RECORDINGS}/${match[1]}.expected.json`, 'utf8'));
    const fails = isObject(expected) && 'error' in expected && 'partial' in expected && !('choices' in expected) && !('model' in expected);
    cases.push({ name: match[1]!, body: `${RECORDINGS}/${file}`, expected, fails });
  }
  return cases.sort((a, b) => a.name.localeCompare(b.name));
}

/** The assistant text a final object holds (choice 0 content, Ollama message content or generate response). */
export function finalText(response: any): string {
  if (Array.isArray(response?.choices)) return response.choices[0]?.message?.content ?? '';
  return response?.message?.content ?? response?.response ?? '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
