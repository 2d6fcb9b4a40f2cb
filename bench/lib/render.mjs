// bench/results/latest.md: every table of one run, from run.mjs's result object.
import { profileTable } from '../profile.mjs';
import { bodyTable, recordingsTable, targetsTable } from './report.mjs';

export function renderResults(out) {
  const m = out.machine;
  const parts = [
    `### Benchmark results (${out.date.slice(0, 10)})`,
    '',
    `${m.cpu}, ${m.nproc} cores, ${m.memoryGB} GB, Node ${m.node}, ${m.os}; load average ${m.loadAverage.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end; ${out.durationS} s in all (${Object.entries(out.stages).map(([k, v]) => `${k} ${v} s`).join(', ')}). Command: \`${out.command}\`.`,
    '',
    `Each contestant gets the same bytes as a ReadableStream in 1–4 KiB pieces (seeded) and is timed (${out.clock === 'cpu' ? 'process CPU time' : 'wall clock'}) from the first read to the final object (median of the runs after a warm-up of at least 0.6–1 s, no forced GC between runs), each in its own process. The contestants on a body take turns, one timed run each (after an untimed one), round after round, after two untimed rounds, in ${out.sets ?? 1} set${out.sets === 1 ? '' : 's'} of processes; "× floor" and "× chunkwise" are medians of the ratios between runs of the same round. "request MB" is the peak RSS of one cold request above the resting process.`,
    '',
    ...(Math.max(m.loadAverage[0], m.loadAverageAtEnd[0]) > m.nproc * 0.75 ? [`**The machine was busy (1-minute load average ${m.loadAverage[0]} at the start, ${m.loadAverageAtEnd[0]} at the end, on ${m.nproc} cores): times are noisy; compare the min column too.**`, ''] : []),
    '#### Targets',
    '',
    targetsTable(out.targets),
    '',
  ];
  for (const { body, rows } of out.bodies) parts.push(bodyTable(body, rows), '');
  if (out.recordings.length) {
    parts.push('#### Recordings (recordings/*, success cases)', '', recordingsTable(out.recordings), '');
    if (out.recordingsSkipped.length) parts.push(`Skipped: ${out.recordingsSkipped.map((s) => `${s.name} (${s.reason})`).join(', ')}.`, '');
  }
  if (out.incrementalJson) {
    parts.push('#### Incremental JSON (bench/incremental-json.ts)', '', out.incrementalJson.ok ? out.incrementalJson.table : `failed: ${out.incrementalJson.error}`, '');
  }
  if (out.load) parts.push('#### 1,000 concurrent streams (bench/load.mjs)', '', out.load.ok ? out.load.table : `failed: ${out.load.error}`, '');
  if (out.slots) parts.push('#### Many slots: 100k tool calls and choices, any index order (bench/slots.mjs)', '', out.slots.ok ? out.slots.table : `failed: ${out.slots.error}`, '');
  if (out.redis) parts.push('#### chunkwise/redis against in-process sharing (bench/redis.mjs)', '', out.redis.ok ? out.redis.table : `failed: ${out.redis.error}`, '');
  if (out.breakdowns.length) parts.push('#### Where chunkwise\'s time goes (bench/breakdown.mjs)', '');
  for (const b of out.breakdowns) parts.push(b.ok ? b.table : `Breakdown failed: ${b.error}`, '');
  if (out.profiles.length) parts.push('#### CPU profiles of chunkwise (bench/profile.mjs)', '');
  for (const p of out.profiles) parts.push(p.ok ? profileTable(p) : `Profile failed: ${p.error}`, '');
  return parts.join('\n');
}
