import { UsageError } from '../errors.js';
import type { Recording } from '../replay/recording.js';
import { candidateOf, describeCandidate, type Candidate } from './candidates.js';
import { matchRecording, recordingFits } from './match-recording.js';
import { defaultNameStem, safeRecordingName } from './recording-names.js';
import type { NamedRecording, RecordingFetchMode, RecordingFetchOptions, RecordingRequest } from './types.js';

/** What a fetch knows when it chooses: its recordings, the names taken, how often each name was asked for. */
export interface Chooser {
  mode: RecordingFetchMode;
  options: Pick<RecordingFetchOptions, 'match' | 'name' | 'repeat' | 'dir'>;
  candidates: Candidate[];
  /** Names in use: loaded recordings and those this session is recording. */
  taken: Set<string>;
  /** Requests seen per name stem, for `name`, `name-2`, `name-3`. */
  counts: Map<string, number>;
}

export type Choice = { action: 'replay'; candidate: Candidate } | { action: 'record'; name: string };

const LISTED = 25;

/**
 * Chooses what answers a request, and counts the use: the recording `match` returns; else
 * with `name`, the recording of the request's name (`NAME`, then `NAME-2`, …), which must fit
 * the request; else the least used recording that fits, unused unless `repeat`. Without a
 * recording, `auto` and `record` record one (`record` always does), under the request's name
 * or the first free `<endpoint>-<model>-<n>`.
 *
 * @throws UsageError in `replay` mode when nothing answers: the message names the request
 * (method, URL, model) and lists the recordings with what each answers.
 */
export function chooseRecording(chooser: Chooser, request: RecordingRequest): Choice {
  const { mode, options, candidates } = chooser;
  const stem = options.name !== undefined ? nameStem(chooser, request) : undefined;
  const named = stem !== undefined ? nextName(chooser, stem) : undefined;
  if (mode === 'record') return { action: 'record', name: named ?? freshName(chooser, request) };

  let chosen: Candidate | undefined;
  let why: string | undefined;
  if (options.match) {
    chosen = resolveMatch(options.match(request, candidates), candidates);
    if (!chosen) why = 'the match function returned nothing';
  } else if (stem !== undefined && named !== undefined) {
    const found = candidates.find((c) => c.name === named) ?? (options.repeat ? repeatOf(chooser, stem) : undefined);
    if (found && recordingFits(request, found)) chosen = found;
    else why = found ? `recording ${describeCandidate(found)} does not fit it` : `no recording is named "${named}"`;
  } else {
    const best = matchRecording(request, candidates) as Candidate | undefined;
    if (best && (best.uses === 0 || options.repeat)) chosen = best;
    else if (best) why = 'every recording that fits was already used (each answers one request; pass repeat: true to reuse them)';
  }
  if (chosen) {
    chosen.uses++;
    return { action: 'replay', candidate: chosen };
  }
  if (mode === 'auto') return { action: 'record', name: named ?? freshName(chooser, request) };
  throw noRecordingError(chooser, request, why);
}

/** The request's name from the `name` option, made safe as a file path. */
function nameStem(chooser: Chooser, request: RecordingRequest): string {
  const { name } = chooser.options;
  const given: unknown = typeof name === 'function' ? name(request) : name;
  if (typeof given !== 'string' || given === '') throw new UsageError(`recordingFetch: the name function returned ${JSON.stringify(given)} for ${request.method} ${request.url}, not a name`);
  return safeRecordingName(given);
}

/** `stem` for its first request, then `stem-2`, `stem-3`. */
function nextName(chooser: Chooser, stem: string): string {
  const count = (chooser.counts.get(stem) ?? 0) + 1;
  chooser.counts.set(stem, count);
  const chosen = count === 1 ? stem : `${stem}-${count}`;
  chooser.taken.add(chosen);
  return chosen;
}

/** With `repeat`, a request past the end of `NAME`, `NAME-2`, … goes round them again. */
function repeatOf(chooser: Chooser, stem: string): Candidate | undefined {
  const run: Candidate[] = [];
  for (let found = chooser.candidates.find((c) => c.name === stem); found; found = chooser.candidates.find((c) => c.name === `${stem}-${run.length + 1}`)) {
    run.push(found);
  }
  return run.length ? run[(chooser.counts.get(stem)! - 1) % run.length] : undefined;
}

function freshName(chooser: Chooser, request: RecordingRequest): string {
  const stem = defaultNameStem(request);
  let n = 1;
  while (chooser.taken.has(`${stem}-${n}`)) n++;
  const name = `${stem}-${n}`;
  chooser.taken.add(name);
  return name;
}

function resolveMatch(picked: string | Recording | NamedRecording | undefined, candidates: Candidate[]): Candidate | undefined {
  if (picked === undefined || picked === null) return undefined;
  if (typeof picked === 'string') {
    const found = candidates.find((c) => c.name === picked || c.name === safeRecordingName(picked));
    if (!found) throw new UsageError(`recordingFetch: match returned "${picked}", which is not a recording (${listNames(candidates)})`);
    return found;
  }
  if ('recording' in picked) return candidates.find((c) => c.recording === picked.recording) ?? candidateOf(picked.name, picked.recording);
  if (picked.body instanceof Uint8Array) return candidates.find((c) => c.recording === picked) ?? candidateOf('match-result', picked);
  throw new UsageError('recordingFetch: match must return a recording name, a recording, { name, recording } or undefined');
}

function noRecordingError(chooser: Chooser, request: RecordingRequest, why: string | undefined): UsageError {
  const { candidates, options } = chooser;
  const asked = [request.model ? `model "${request.model}"` : 'no model', request.stream === undefined ? undefined : request.stream ? 'stream' : 'not a stream'];
  const where = options.dir !== undefined ? ` (folder ${options.dir})` : '';
  const lines = [`recordingFetch has no recording for ${request.method} ${request.url} (${asked.filter(Boolean).join(', ')})${why ? `: ${why}` : ''}.`];
  if (candidates.length === 0) lines.push(`There are no recordings${where}.`);
  else {
    lines.push(`Recordings${where}:`);
    for (const candidate of candidates.slice(0, LISTED)) lines.push(`  - ${describeCandidate(candidate)}`);
    if (candidates.length > LISTED) lines.push(`  … and ${candidates.length - LISTED} more`);
  }
  lines.push(`Record it with mode: 'auto' (or 'record') and a dir, or choose one with the match option.`);
  return new UsageError(lines.join('\n'));
}

function listNames(candidates: Candidate[]): string {
  if (candidates.length === 0) return 'there are none';
  const names = candidates.slice(0, LISTED).map((c) => c.name);
  return `have: ${names.join(', ')}${candidates.length > LISTED ? ', …' : ''}`;
}
