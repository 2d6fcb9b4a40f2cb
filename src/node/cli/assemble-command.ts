import type { ProviderName } from '../../providers/provider-spec.js';
import { toChunkwiseError } from '../../errors.js';
import { assemble } from '../../operators/assemble.js';
import { PROVIDER_NAMES } from '../../providers/registry.js';
import { HELP_FLAG, oneOf, type CommandSpec, type ParsedArgs } from './args.js';
import { EXIT_CODES_NOTE } from './help.js';
import { oneLine, openInput, toJsonText, type CliIo } from './io.js';

export const assembleSpec: CommandSpec = {
  name: 'assemble',
  usage: 'assemble [--provider openai|groq|ollama] [--lenient] [--partial] <file | ->',
  summary: 'Reads a raw streamed response body (the bytes as sent on the wire, e.g. saved by `curl -N`) and prints only the final response object as JSON, the one the same request returns with stream: false.',
  positionals: [{ name: 'file | -', description: 'the body file, or - to read standard input' }],
  flags: {
    provider: { type: 'string', value: 'NAME', description: `${PROVIDER_NAMES.join(', ')} (default: detected from the bytes)` },
    lenient: { type: 'boolean', description: 'Accept a truncated stream: print what arrived as the final object' },
    partial: { type: 'boolean', description: 'On a stream error, also print the partial object (or null) to stdout' },
    help: HELP_FLAG,
  },
  notes: ['On an error, one line goes to stderr and the exit code is 1; stdout stays empty unless --partial is given.', EXIT_CODES_NOTE],
};

/** `chunkwise assemble`: the contract other tools rely on. stdout holds only JSON. */
export async function runAssemble(args: ParsedArgs, io: CliIo): Promise<number> {
  const provider = oneOf<ProviderName>('provider', args.flags.provider, PROVIDER_NAMES);
  const source = await openInput(args.positionals[0]!, io);
  try {
    const response = await assemble(source, { ...(provider ? { provider } : {}), lenient: args.flags.lenient === true });
    io.stdout.write(toJsonText(response));
    return 0;
  } catch (error) {
    const e = toChunkwiseError(error);
    io.stderr.write(`chunkwise: ${oneLine(e.message)}\n`);
    if (args.flags.partial) io.stdout.write(toJsonText(e.partial));
    return 1;
  }
}
