import { basename } from 'node:path';
import type { ProviderName } from '../../providers/provider-spec.js';
import { UsageError } from '../../errors.js';
import { streamEvents } from '../../operators/run-pipeline.js';
import { PROVIDER_NAMES, isProviderName } from '../../providers/registry.js';
import type { Recording } from '../../replay/recording.js';
import { DEFAULT_TOKENS_PER_SECOND } from '../../replay/replay-plan.js';
import { replayResponse } from '../../replay/replay-response.js';
import type { ReplayOptions } from '../../replay/replay.js';
import { readRecording } from '../recording-files.js';
import { HELP_FLAG, RAW_FLAG, oneOf, positiveNumber, type CommandSpec, type ParsedArgs } from './args.js';
import { EXIT_CODES_NOTE } from './help.js';
import { readStdin, streamTextFilter, type CliIo } from './io.js';
import { showLive } from './live-view.js';
import { locateRecording } from './locate-recording.js';

export const replaySpec: CommandSpec = {
  name: 'replay',
  usage: 'replay <recording> [--speed N | --instant] [--logprobs]',
  summary:
    'Plays a recording back in the terminal as it arrived: the text as it assembles (reasoning dimmed), tool calls as their arguments grow, a typing indicator while the stream waits or pauses, then a summary (provider, model, tokens, time to first token, tokens/s, finish reason, usage). Without a terminal, or with NO_COLOR set, the output is plain text.',
  positionals: [{ name: 'recording', description: 'a body file (NAME.sse, NAME.ndjson, NAME.jsonl), its path without the extension, the name of a bundled recording, or - to read a body from standard input' }],
  flags: {
    speed: { type: 'string', value: 'N', description: 'Play N times faster than recorded (default 1)' },
    instant: { type: 'boolean', description: 'No delays: everything at once' },
    'tokens-per-second': { type: 'string', value: 'N', description: `Pace of a recording without timing (no sidecar pieces): events or lines per second (default ${DEFAULT_TOKENS_PER_SECOND})` },
    logprobs: { type: 'boolean', description: 'Colour each content token by its probability, with a legend' },
    provider: { type: 'string', value: 'NAME', description: `${PROVIDER_NAMES.join(', ')} (default: from the recording, else detected)` },
    raw: RAW_FLAG,
    help: HELP_FLAG,
  },
  notes: [EXIT_CODES_NOTE],
};

export interface PlayOptions {
  /** The name shown in the heading. */
  name: string;
  speed?: number;
  instant?: boolean;
  tokensPerSecond?: number;
  logprobs?: boolean;
  provider?: ProviderName;
  /** Replaces the default heading. */
  heading?: string;
  /** Keep the control characters of the stream's text even on a terminal (`--raw`). */
  raw?: boolean;
}

/** `chunkwise replay`. */
export async function runReplay(args: ParsedArgs, io: CliIo): Promise<number> {
  const speed = positiveNumber('speed', args.flags.speed);
  const instant = args.flags.instant === true;
  if (instant && speed !== undefined) throw new UsageError('--speed and --instant cannot be used together');
  const tokensPerSecond = positiveNumber('tokens-per-second', args.flags['tokens-per-second']);
  const provider = oneOf<ProviderName>('provider', args.flags.provider, PROVIDER_NAMES);
  const argument = args.positionals[0]!;
  const path = argument === '-' ? undefined : locateRecording(argument);
  // A body on standard input has no sidecar: it plays at the synthetic pace.
  const recording: Recording = path === undefined ? { body: await readStdin(io) } : await readRecording(path);
  return playRecording(recording, io, {
    name: path === undefined ? 'standard input' : basename(path),
    instant,
    logprobs: args.flags.logprobs === true,
    raw: args.flags.raw === true,
    ...(speed !== undefined ? { speed } : {}),
    ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}),
    ...(provider ? { provider } : {}),
  });
}

/** Replays a recording live on the terminal; the exit code is 1 when its stream fails. */
export async function playRecording(recording: Recording, io: CliIo, options: PlayOptions): Promise<number> {
  const timed = (recording.pieces?.length ?? 0) > 0;
  const replayOptions: ReplayOptions = options.instant
    ? { timing: 'instant' }
    : timed
      ? { timing: 'recorded', speed: options.speed ?? 1 }
      : { timing: 'synthetic', speed: options.speed ?? 1, tokensPerSecond: options.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND };
  const recorded = recording.meta?.provider;
  const provider = options.provider ?? (isProviderName(recorded) ? recorded : undefined);
  const events$ = streamEvents(replayResponse(recording, replayOptions), { ...(provider ? { provider } : {}), partialArguments: false });
  const outcome = await showLive(events$, io, {
    heading: options.heading ?? `▶ ${options.name} · ${describeTiming(replayOptions)}`,
    logprobs: options.logprobs ?? false,
    streamText: streamTextFilter(io, options.raw ?? false),
    ...(provider ?? recorded ? { provider: (provider ?? recorded)! } : {}),
  });
  return outcome.error ? 1 : 0;
}

function describeTiming(options: ReplayOptions): string {
  const speed = options.speed && options.speed !== 1 ? ` ×${options.speed}` : '';
  if (options.timing === 'instant') return 'instant';
  if (options.timing === 'recorded') return `recorded timing${speed}`;
  return `no recorded timing: ${options.tokensPerSecond} events/s${speed}`;
}
