import { isChunkwiseError } from '../../errors.js';
import { parseCommand, type CommandSpec, type ParsedArgs, HELP_FLAG } from './args.js';
import { assembleSpec, runAssemble } from './assemble-command.js';
import { runDemo } from './demo.js';
import { EXIT_CODES_NOTE, helpText } from './help.js';
import { oneLine, processIo, type CliIo } from './io.js';
import { packageVersion } from './locate-recording.js';
import { inspectSpec, runInspect } from './inspect-command.js';
import { recordSpec, runRecord } from './record-command.js';
import { replaySpec, runReplay } from './replay-command.js';
import { runServe, serveSpec } from './serve-command.js';

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  assemble: { spec: assembleSpec, run: runAssemble },
  replay: { spec: replaySpec, run: runReplay },
  record: { spec: recordSpec, run: runRecord },
  serve: { spec: serveSpec, run: runServe },
  inspect: { spec: inspectSpec, run: runInspect },
};

const topSpec: CommandSpec = {
  name: '',
  usage: '[command] [options]',
  summary: 'See inside live LLM response streams (OpenAI, Groq and compatible SSE; Ollama NDJSON). With no command, replays a bundled recording live.',
  positionals: [],
  flags: { help: HELP_FLAG, version: { type: 'boolean', short: 'v', description: 'Print the version and exit' } },
  notes: [
    `Commands:\n${Object.values(COMMANDS)
      .map(({ spec }) => `  ${spec.usage}`)
      .join('\n')}\n  help <command>`,
    'Run `chunkwise <command> --help` for every flag of a command.',
    'Environment: NO_COLOR turns colours and the spinner off; OPENAI_API_KEY / GROQ_API_KEY are used by `record`.',
    EXIT_CODES_NOTE,
  ],
};

/**
 * The `chunkwise` command line. Returns the exit code: 0 success, 1 the stream failed,
 * 2 usage error (but `assemble` exits 1 on every error, as its contract says). Errors are
 * reported as one line on stderr.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  let spec = topSpec;
  try {
    if (first === undefined) return await runDemo(io);
    if (first === 'help') return showHelp(rest[0], io);
    const command = COMMANDS[first];
    if (!command) {
      if (!first.startsWith('-')) return usageError(io, topSpec, `unknown command "${first}"`);
      const args = parseCommand(topSpec, argv);
      if (args.flags.version) io.stdout.write(`${packageVersion()}\n`);
      else io.stdout.write(helpText(topSpec));
      return 0;
    }
    spec = command.spec;
    const args = parseCommand(spec, rest);
    if (args.flags.help) {
      io.stdout.write(helpText(spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (isChunkwiseError(error) && error.code === 'usage') return usageError(io, spec, error.message);
    io.stderr.write(`chunkwise: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

function showHelp(name: string | undefined, io: CliIo): number {
  if (name === undefined) {
    io.stdout.write(helpText(topSpec));
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) return usageError(io, topSpec, `unknown command "${name}"`);
  io.stdout.write(helpText(command.spec));
  return 0;
}

/** `assemble` is a contract other tools call: any error, usage errors included, exits 1. */
const EXIT_ONE_ON_ANY_ERROR = new Set(['assemble']);

function usageError(io: CliIo, spec: CommandSpec, message: string): number {
  const where = spec.name ? `chunkwise ${spec.name}` : 'chunkwise';
  io.stderr.write(`${where}: ${oneLine(message)} (see ${where} --help)\n`);
  return EXIT_ONE_ON_ANY_ERROR.has(spec.name) ? 1 : 2;
}
