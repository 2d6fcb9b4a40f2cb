import type { CommandSpec } from './args.js';

/** The `--help` text of a command, made from its spec so that every flag is listed. */
export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: chunkwise ${spec.usage}`, '', spec.summary];
  if (spec.positionals.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...spec.positionals.map((p) => p.name.length + 2));
    for (const p of spec.positionals) lines.push(`  ${`<${p.name}>`.padEnd(width)}  ${p.description}`);
  }
  const flags = Object.entries(spec.flags).map(([name, flag]) => {
    const label = `${flag.short ? `-${flag.short}, ` : '    '}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    return [label, flag.description] as const;
  });
  if (flags.length) {
    lines.push('', 'Options:');
    const width = Math.max(...flags.map(([label]) => label.length));
    for (const [label, description] of flags) lines.push(`  ${label.padEnd(width)}  ${description}`);
  }
  for (const note of spec.notes ?? []) lines.push('', note);
  return `${lines.join('\n')}\n`;
}

/** Exit codes, listed in every help text. */
export const EXIT_CODES_NOTE = 'Exit codes: 0 success, 1 the stream failed (HTTP, provider, parse or truncation error), 2 usage error (bad argument, missing file); `assemble` exits 1 on every error.';
