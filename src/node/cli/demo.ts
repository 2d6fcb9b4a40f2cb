import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { listRecordings, readRecording } from '../recording-files.js';
import type { CliIo } from './io.js';
import { bundledRecordingsDir } from './locate-recording.js';
import { playRecording } from './replay-command.js';

/** Bundled recordings the demo prefers, best first (a `demo` recording wins when there is one): thinking, then an answer. */
export const DEMO_PREFERENCE = ['demo', 'ollama-chat-thinking', 'compat-reasoning-content', 'groq-reasoning', 'openai-parallel-tool-calls', 'openai-text-usage'];

/** Events per second for a demo recording without timing: slow enough to watch the text assemble. */
const DEMO_TOKENS_PER_SECOND = 12;

/** `chunkwise` with no arguments (and `npm start`): replays a bundled recording live. */
export async function runDemo(io: CliIo): Promise<number> {
  const dir = bundledRecordingsDir();
  if (!dir) throw new UsageError('the bundled recordings/ folder is missing; try `chunkwise replay <file>`');
  const entries = await listRecordings(dir);
  const entry = DEMO_PREFERENCE.map((name) => entries.find((e) => e.name === name)).find((e) => e !== undefined) ?? entries[0];
  if (!entry) throw new UsageError(`no recording in ${dir}; try \`chunkwise replay <file>\``);
  const recording = await readRecording(entry.bodyPath);
  return playRecording(recording, io, {
    name: entry.name,
    tokensPerSecond: DEMO_TOKENS_PER_SECOND,
    heading: `chunkwise demo ▶ replaying ${join('recordings', entry.bodyPath.split(/[\\/]/).pop()!)} live (chunkwise --help for more)`,
  });
}
