import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.js';

/** One flag of a command, as `--help` lists it. */
export interface FlagSpec {
  type: 'boolean' | 'string';
  short?: string;
  /** Placeholder shown in help for a string flag (`N`, `FILE`). */
  value?: string;
  /** May be given several times (the values come as an array). */
  multiple?: boolean;
  description: string;
}

/** What a (sub)command accepts; the parser and the help text are both made from it. */
export interface CommandSpec {
  /** `assemble`, `replay`, …; empty for the top level. */
  name: string;
  summary: string;
  /** The synopsis after `chunkwise`, e.g. `assemble [options] <file | ->`. */
  usage: string;
  positionals: Array<{ name: string; description: string; optional?: boolean }>;
  flags: Record<string, FlagSpec>;
  /** Extra paragraphs for `--help` (exit codes, environment). */
  notes?: string[];
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'Show this help and exit' };

/**
 * Parses `argv` against a command spec with node:util `parseArgs` (strict), turning its errors
 * into one-line UsageErrors and checking the number of positionals.
 */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const flags = parsed.values as ParsedArgs['flags'];
  if (flags.help) return { flags, positionals: parsed.positionals };
  const required = spec.positionals.filter((p) => !p.optional).length;
  const names = spec.positionals.map((p) => `<${p.name}>`).join(' ');
  if (parsed.positionals.length < required) throw new UsageError(`missing ${names || 'argument'}`);
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[spec.positionals.length]}"`);
  }
  return { flags, positionals: parsed.positionals };
}

/** A number flag: finite and > 0, or a UsageError naming the flag. */
export function positiveNumber(flag: string, value: ParsedArgs['flags'][string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, got "${value}"`);
  return n;
}

/** An integer port 0–65535, or a UsageError. */
export function portNumber(value: ParsedArgs['flags'][string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return n;
}

/** The `--file-mode` flag: an octal file mode (`600`, `0644`, `0o640`), or a UsageError. */
export function fileModeFlag(value: ParsedArgs['flags'][string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const digits = /^(?:0o?)?([0-7]{1,3})$/i.exec(value.trim())?.[1];
  if (digits === undefined) throw new UsageError(`--file-mode must be an octal file mode such as 600 or 644, got "${value}"`);
  return parseInt(digits, 8);
}

/** What `--file-mode` says in `--help` (record and inspect write recordings). */
export const FILE_MODE_FLAG: FlagSpec = {
  type: 'string',
  value: 'OCTAL',
  description: 'Mode of the recording files written (default 600: only you can read them; new folders 700)',
};

/** What `--raw` says in `--help` (replay and record show the stream's text). */
export const RAW_FLAG: FlagSpec = {
  type: 'boolean',
  description: "Write the stream's text as it came, control characters included (on a terminal they are shown as \\xNN otherwise)",
};

/** One of `choices`, or a UsageError naming the flag. */
export function oneOf<T extends string>(flag: string, value: ParsedArgs['flags'][string], choices: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

function describeParseError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? error);
  const option = /'(--?[\w-]+)/.exec(message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option && message.includes('argument missing') ? `option ${option} needs a value` : firstLine(message);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${firstLine(message)}`;
    default:
      return firstLine(message);
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!;
}
