import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleSpec } from '../../src/node/cli/assemble-command.js';
import { recordSpec } from '../../src/node/cli/record-command.js';
import { replaySpec } from '../../src/node/cli/replay-command.js';
import { serveSpec } from '../../src/node/cli/serve-command.js';
import { ROOT, runCli } from './run-cli.js';

const specs = [assembleSpec, replaySpec, recordSpec, serveSpec];

describe('chunkwise --help', () => {
  it('lists every command, the exit codes and NO_COLOR', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const spec of specs) expect(result.stdout).toContain(`  ${spec.usage}`);
    expect(result.stdout).toContain('Exit codes: 0 success, 1 the stream failed');
    expect(result.stdout).toContain('NO_COLOR');
  });

  it.concurrent.for(specs)('lists every flag of $name, with --help and with help <command>', async (spec, { expect }) => {
    const [flag, word] = await Promise.all([runCli([spec.name, '--help']), runCli(['help', spec.name])]);
    expect(flag.code).toBe(0);
    expect(word.stdout).toBe(flag.stdout);
    expect(flag.stdout).toContain(`Usage: chunkwise ${spec.usage}`);
    for (const name of Object.keys(spec.flags)) expect(flag.stdout).toMatch(new RegExp(`--${name}\\b`));
    expect(flag.stdout).toContain('Exit codes:');
  });

  it('prints the version with --version', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('bad arguments', () => {
  const usage = async (args: string[], message: RegExp) => {
    const result = await runCli(args);
    // `assemble` exits 1 on any error (its contract); other commands exit 2 on usage errors.
    expect(result.code).toBe(args[0] === 'assemble' ? 1 : 2);
    expect(result.stdout).toBe('');
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  };

  it('an unknown command', () => usage(['frobnicate'], /^chunkwise: unknown command "frobnicate" \(see chunkwise --help\)$/m));
  it('help for an unknown command', () => usage(['help', 'frobnicate'], /^chunkwise: unknown command "frobnicate"/));
  it('an unknown top-level option', () => usage(['--frobnicate'], /^chunkwise: unknown option --frobnicate/));
  it('an unknown option of a command', () => usage(['replay', '--fast', 'openai-text'], /^chunkwise replay: unknown option --fast \(see chunkwise replay --help\)$/m));
  it('an option without its value', () => usage(['serve', 'recordings', '--port'], /^chunkwise serve: option --port needs a value/));
  it('a value for a boolean option', () => usage(['replay', '--instant=yes', 'openai-text'], /^chunkwise replay: .*--instant/));
  it('too many arguments', () => usage(['assemble', 'a.sse', 'b.sse'], /^chunkwise assemble: unexpected argument "b.sse"/));
  it('a missing recording argument', () => usage(['replay'], /^chunkwise replay: missing <recording>/));
  it('a port out of range', () => usage(['serve', 'recordings', '--port', '70000'], /^chunkwise serve: --port must be an integer from 0 to 65535/));
  it('a recordings folder that does not exist', () => usage(['serve', 'no/such/dir'], /^chunkwise serve: no such folder: no\/such\/dir/));
  it('a non-loopback host without --allow-remote', () => usage(['serve', 'recordings', '--host', '0.0.0.0', '--port', '0'], /^chunkwise serve: Refusing to listen on 0\.0\.0\.0: not a loopback address \(pass --allow-remote/));
  it('record without --url', () => usage(['record', '--body', 'x.json', '--out', 'x'], /^chunkwise record: --url is required/));
  it('record with a URL that is not one', () => usage(['record', '--url', 'nope', '--body', 'package.json', '--out', '.tmp/x'], /^chunkwise record: --url is not a URL/));
  it('record with a missing body file', () => usage(['record', '--url', 'http://127.0.0.1:9/v1/chat/completions', '--body', 'no/such.json', '--out', '.tmp/x'], /^chunkwise record: no such file: no\/such\.json/));
});
