/**
 * Test helper: the parts of README.md that tests hold to the code: the table of events and
 * the five-minute tours' code blocks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README_PATH = join(__dirname, '../../README.md');

export function readmeText(): string {
  return readFileSync(README_PATH, 'utf8');
}

/** The lines of the section under `heading` (a whole line such as `### Events`), up to the next heading of any level. */
export function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no line "${heading}"`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^#{1,6} /.test(line));
  return end < 0 ? rest : rest.slice(0, end);
}

export interface EventRow {
  type: string;
  /** The field paths of the `fields` column, such as `usage.prompt_tokens`. */
  fields: string[];
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The rows of the `| event | fields | … |` table under `### Events`. */
export function eventsTable(text: string): EventRow[] {
  const rows = section(text, '### Events').filter((line) => line.startsWith('|'));
  const header = rows[0]?.split('|').map((c) => c.trim());
  if (header?.[1] !== 'event' || header[2] !== 'fields') throw new Error(`the events table's header is not | event | fields | …: ${rows[0]}`);
  return rows.slice(2).map((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const [type, ...more] = codeSpans(cells[1]!);
    if (type === undefined || more.length > 0) throw new Error(`an events-table row names one event in its first cell: ${line}`);
    return { type, fields: codeSpans(cells[2]!) };
  });
}

export interface TourBlock {
  /** The tour's name, from the `<!-- tour: NAME FILE -->` comment before the block. */
  tour: string;
  /** The file the block is written to, relative to the tour's folder. */
  file: string;
  code: string;
}

/** Every fenced block that follows a `<!-- tour: NAME FILE -->` line (blank lines between allowed), in order. */
export function tourBlocks(text: string): TourBlock[] {
  const out: TourBlock[] = [];
  const pattern = /^<!-- tour: (\S+) (\S+) -->\n(?:\n)*```\w*\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(pattern)) out.push({ tour: m[1]!, file: m[2]!, code: m[3]! });
  return out;
}
