import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { PROVIDER_NAMES } from '../../providers/registry.js';
import type { Recording } from '../../replay/recording.js';
import { bodyFormat } from '../../replay/message-boundaries.js';
import { redactText } from '../../assembly/redact.js';
import { readRecording } from '../recording-files.js';
import { createInspectServer } from '../inspect/server.js';
import { FILE_MODE_FLAG, HELP_FLAG, fileModeFlag, oneOf, portNumber, type CommandSpec, type ParsedArgs } from './args.js';
import { EXIT_CODES_NOTE } from './help.js';
import { type CliIo } from './io.js';
import { locateRecording } from './locate-recording.js';
import { providerForUrl } from './request-auth.js';

export const inspectSpec: CommandSpec = {
  name: 'inspect',
  usage: 'inspect [<recording> | -] [--upstream URL] [--port N] [--open]',
  summary:
    'Opens a local page (on 127.0.0.1) that shows a stream at a glance: its timeline, token rate, text with reasoning apart and tokens coloured by probability, tool-call arguments forming, the final object, and the wire bytes behind every event. Give a recording, or --upstream to run a proxy in front of an API: point an SDK\'s baseURL at it and each streamed request appears on the page live, ready to save as a recording (secrets redacted).',
  positionals: [{ name: 'recording', description: 'a recording (NAME.sse / NAME.ndjson, its .json sidecar used when present; a bundled name; - for standard input)', optional: true }],
  flags: {
    upstream: { type: 'string', value: 'URL', description: 'Proxy every request to this API (e.g. https://api.openai.com/v1, http://localhost:11434)' },
    port: { type: 'string', value: 'N', description: 'Port to listen on (default: a free one)' },
    open: { type: 'boolean', description: 'Open the page in the default browser' },
    provider: { type: 'string', value: 'NAME', description: `${PROVIDER_NAMES.join(', ')} (default: detected)` },
    'save-dir': { type: 'string', value: 'DIR', description: 'Where the page saves proxied streams (default recordings/inspect)' },
    'file-mode': FILE_MODE_FLAG,
    help: HELP_FLAG,
  },
  notes: ['The page also opens recordings dropped onto it, with no server involved. Stops on Ctrl-C (SIGINT) or SIGTERM.', EXIT_CODES_NOTE],
};

/** `chunkwise inspect`: runs until SIGINT / SIGTERM. */
export async function runInspect(args: ParsedArgs, io: CliIo): Promise<number> {
  const argument = args.positionals[0];
  const upstreamText = args.flags.upstream as string | undefined;
  if (argument === undefined && upstreamText === undefined) throw new UsageError('give a recording to inspect, or --upstream URL to proxy an API');
  const upstream = upstreamText === undefined ? undefined : parseUpstream(upstreamText);
  const fileMode = fileModeFlag(args.flags['file-mode']);
  const provider = oneOf('provider', args.flags.provider, PROVIDER_NAMES) ?? (upstream ? providerForUrl(upstream) : undefined);
  let recording: { label: string; recording: Recording } | undefined;
  if (argument === '-') recording = { label: 'standard input', recording: await readStdin(io, provider) };
  else if (argument !== undefined) {
    const path = locateRecording(argument);
    const read = await readRecording(path);
    if (provider && !read.meta?.provider) read.meta = { ...read.meta, provider };
    recording = { label: basename(path), recording: read };
  }

  const server = await createInspectServer({
    port: portNumber(args.flags.port) ?? 0,
    ...(upstream ? { upstream } : {}),
    ...(provider ? { provider } : {}),
    ...(typeof args.flags['save-dir'] === 'string' ? { saveDir: args.flags['save-dir'] } : {}),
    ...(fileMode !== undefined ? { fileMode } : {}),
  });
  if (recording) server.add(recording.label, recording.recording);
  io.stdout.write(`chunkwise inspect: ${server.url}\n`);
  if (upstream) io.stdout.write(`  proxying to ${redactText(upstream.href)}: use baseURL ${server.origin}${upstream.pathname.replace(/\/+$/, '')} (or host ${server.origin} for Ollama)\n`);
  if (args.flags.open === true) openInBrowser(server.url);
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

function parseUpstream(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--upstream is not a URL: "${redactText(text)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream must be http or https, got "${url.protocol}"`);
  return url;
}

async function readStdin(io: CliIo, provider: string | undefined): Promise<Recording> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  const body = new Uint8Array(Buffer.concat(chunks));
  const format = bodyFormat({ body });
  return { body, meta: { contentType: format === 'sse' ? 'text/event-stream' : 'application/x-ndjson', ...(provider ? { provider } : {}) } };
}

/** The platform's own opener, detached; nothing happens unless --open was given. */
function openInBrowser(url: string): void {
  const [command, ...rest] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  try {
    spawn(command!, [...rest, url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {}
}
