import { UsageError } from '../../errors.js';
import { DEFAULT_TOKENS_PER_SECOND } from '../../replay/replay-plan.js';
import { createReplayServer } from '../serve/server.js';
import { HELP_FLAG, portNumber, positiveNumber, type CommandSpec, type ParsedArgs } from './args.js';
import { EXIT_CODES_NOTE } from './help.js';
import { checkDir, oneLine, type CliIo } from './io.js';

export const DEFAULT_PORT = 8787;

export const serveSpec: CommandSpec = {
  name: 'serve',
  usage: 'serve <recordings dir> [--port N] [--host H] [--speed N | --instant]',
  summary:
    'Answers POST /v1/chat/completions and POST /v1/responses (SSE) and POST /api/chat, /api/generate (NDJSON) by replaying recordings with their recorded timing, so real clients (the OpenAI and Ollama SDKs, a web page) run against recorded streams. The recording is the one named by the "x-chunkwise-recording" header, else one recorded with the request\'s "model" (a dated snapshot answers its undated name), else the first that fits the endpoint; recordings whose sidecar has meta.quirk answer only when named. GET /recordings lists them. Only requests addressed to a loopback name are answered, and only pages of loopback origins (or --cors ones) may read the answers.',
  positionals: [{ name: 'recordings dir', description: 'a folder of NAME.sse / NAME.ndjson bodies (with optional NAME.sse.json sidecars)' }],
  flags: {
    port: { type: 'string', value: 'N', description: `Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)` },
    host: { type: 'string', value: 'H', description: 'Address to listen on (default 127.0.0.1; only loopback unless --allow-remote)' },
    'allow-remote': { type: 'boolean', description: 'Allow listening on a non-loopback address (reachable from the network)' },
    speed: { type: 'string', value: 'N', description: 'Replay N times faster than recorded (default 1)' },
    instant: { type: 'boolean', description: 'Send each body at once, without delays' },
    'tokens-per-second': { type: 'string', value: 'N', description: `Pace of recordings without timing: events or lines per second (default ${DEFAULT_TOKENS_PER_SECOND})` },
    cors: { type: 'string', value: 'ORIGIN', multiple: true, description: 'Also let pages of this origin call the server, e.g. https://app.example (repeatable; loopback origins always may, "null" never)' },
    quiet: { type: 'boolean', description: 'Do not log requests' },
    help: HELP_FLAG,
  },
  notes: ['Stops on Ctrl-C (SIGINT) or SIGTERM.', EXIT_CODES_NOTE],
};

/** `chunkwise serve`: runs until SIGINT / SIGTERM. */
export async function runServe(args: ParsedArgs, io: CliIo): Promise<number> {
  const speed = positiveNumber('speed', args.flags.speed);
  const instant = args.flags.instant === true;
  if (instant && speed !== undefined) throw new UsageError('--speed and --instant cannot be used together');
  const tokensPerSecond = positiveNumber('tokens-per-second', args.flags['tokens-per-second']);
  const dir = args.positionals[0]!;
  await checkDir(dir);
  const server = await createReplayServer({
    dir,
    port: portNumber(args.flags.port) ?? DEFAULT_PORT,
    host: (args.flags.host as string | undefined) ?? '127.0.0.1',
    allowRemote: args.flags['allow-remote'] === true,
    corsOrigins: (args.flags.cors as string[] | undefined) ?? [],
    onWarning: (message) => io.stderr.write(`chunkwise serve: ${oneLine(message)}\n`),
    instant,
    ...(speed !== undefined ? { speed } : {}),
    ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}),
    ...(args.flags.quiet
      ? {}
      : {
          onRequest: (r) =>
            io.stderr.write(`${oneLine(`${r.method} ${r.path} ${r.status}${r.recording ? ` ${r.recording} (by ${r.by})` : ''}`)}\n`),
        }),
  });
  io.stdout.write(
    `chunkwise serve: ${server.recordings.length} recordings from ${dir} at ${server.url}\n` +
      `  OpenAI SDK: baseURL ${server.url}/v1   Ollama SDK: host ${server.url}   list: ${server.url}/recordings\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
