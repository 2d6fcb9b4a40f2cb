// Tables and targets: from the workers' raw timings to the markdown that run.mjs prints and
// writes to bench/results/latest.md.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fixed = (x, digits) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
const ms = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (x) => (x === undefined ? '–' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`);
const mb = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

/**
 * `row`'s time over `ref`'s: the median of the ratios of their runs in the same round (the
 * contestants take turns, so each such pair ran within a fraction of a second of each other, in
 * the same state of the machine), or, with fewer than 3 such pairs (a peer that only made its cold
 * run, an extrapolated one), the ratio of the medians.
 */
export function ratioTo(row, ref) {
  if (!ref || row.medianMs === undefined || ref.medianMs === undefined) return undefined;
  if (row === ref) return 1;
  const ratios = sameRoundRatios(row, ref);
  return ratios.length >= 3 ? median(ratios) : row.medianMs / ref.medianMs;
}

/** `row`'s time over `ref`'s in each round both ran in (see ratioTo). */
function sameRoundRatios(row, ref) {
  const refTimes = new Map((ref.rounds ?? []).map((round, i) => [round, ref.times[i]]));
  const ratios = [];
  (row.rounds ?? []).forEach((round, i) => {
    const other = refTimes.get(round);
    if (other !== undefined && round !== 'cold') ratios.push(row.times[i] / other);
  });
  return ratios;
}

/**
 * How far the same-round ratios behind ratioTo spread: their middle half (quartiles) and count,
 * or undefined with fewer than 8. A target missed by a few hundredths with a middle half of
 * ±0.1 is a different finding from one missed with a middle half that never reaches the limit.
 */
export function ratioSpread(row, ref) {
  if (!ref || row === ref) return undefined;
  const ratios = sameRoundRatios(row, ref).sort((a, b) => a - b);
  if (ratios.length < 8) return undefined;
  const at = (q) => {
    const x = q * (ratios.length - 1);
    const i = Math.floor(x);
    return ratios[i] + (ratios[Math.min(i + 1, ratios.length - 1)] - ratios[i]) * (x - i);
  };
  return { q1: at(0.25), q3: at(0.75), n: ratios.length };
}

/** Fills in the derived columns of a body's rows (MB/s, ns per event, ratios). */
export function deriveRows(body, rows) {
  const floor = rows.find((r) => r.contestant === 'floor' && r.medianMs !== undefined);
  const chunkwise = rows.find((r) => r.contestant === 'chunkwise' && r.medianMs !== undefined);
  for (const row of rows) {
    if (row.medianMs === undefined) continue;
    row.mbPerS = body.bytes / 1e6 / (row.medianMs / 1000);
    row.nsPerEvent = (row.medianMs * 1e6) / body.events;
    row.xFloor = ratioTo(row, floor);
    row.xChunkwise = ratioTo(row, chunkwise);
  }
  return rows;
}

export function bodyTable(body, rows) {
  const lines = [
    `#### ${body.name}: ${mb(body.bytes)}, ${body.events.toLocaleString('en-US')} chunks${body.toolArgsBytes ? `, ${Math.round(body.toolArgsBytes / 1000)} KB of tool-call arguments` : ''}`,
    '',
    '| contestant | median ms | min ms | MB/s | ns / chunk | peak RSS MB | request MB | retained MB | × floor | × chunkwise | runs |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    if (r.status === 'failed') {
      lines.push(`| ${r.label} | failed: ${r.error.slice(0, 160)} | | | | | | | | | |`);
      continue;
    }
    const est = r.status === 'extrapolated' ? '≈' : '';
    const runs = r.status === 'extrapolated' ? 'not run (extrapolated)' : r.runs === 1 ? '1 (cold)' : String(r.runs);
    lines.push(
      `| ${r.label} | ${est}${ms(r.medianMs)} | ${ms(r.minMs)} | ${est}${fixed(r.mbPerS, r.mbPerS < 10 ? 2 : 0)} | ${est}${fixed(r.nsPerEvent, 0)} | ${fixed(r.memory?.peakRssMB, 0)} | ${fixed(r.memory?.requestMB, 1)} | ${fixed(r.memory?.retainedMB, 1)} | ${est}${ratio(r.xFloor)} | ${est}${ratio(r.xChunkwise)} | ${runs} |`,
    );
  }
  for (const r of rows) if (r.note) lines.push('', `${r.label}: ${r.note}.`);
  return lines.join('\n');
}

const CONTESTANT_COLUMNS = ['floor', 'chunkwise', 'chunkwise-assemble', 'openai-node', 'ai-sdk', 'ollama-js'];

/** One compact table for the (small) recordings: median µs per contestant. */
export function recordingsTable(results) {
  const lines = [
    '| recording | bytes | chunks | floor µs | chunkwise µs | assemble() µs | openai-node µs | AI SDK µs | ollama-js µs | chunkwise × floor |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { body, rows } of results) {
    const cell = (name) => {
      const r = rows.find((x) => x.contestant === name);
      if (!r) return '';
      if (r.status === 'failed') return `✗ ${r.error.replace(/^(Error: )?wrong result: /, '').replace(/\|/g, '/').slice(0, 70)}`;
      return (r.medianMs * 1000).toFixed(0);
    };
    const cw = rows.find((x) => x.contestant === 'chunkwise');
    lines.push(`| ${body.name} | ${body.bytes} | ${body.events} | ${CONTESTANT_COLUMNS.map(cell).join(' | ')} | ${ratio(cw?.xFloor)} |`);
  }
  return lines.join('\n');
}

/**
 * The issue's targets, each { target, body, value, limit, pass, note }. `results` maps a
 * body name to { body, rows }.
 */
export function evaluateTargets(results) {
  const targets = [];
  const row = (name, contestant) => results.get(name)?.rows.find((r) => r.contestant === contestant && r.medianMs !== undefined);
  const add = (target, body, value, limit, pass, note = '', extra = {}) => targets.push({ target, body, value, limit, pass, note, ...extra });

  for (const { body, rows } of results.values()) {
    if (body.kind !== 'generated') continue;
    const cw = rows.find((r) => r.contestant === 'chunkwise' && r.medianMs !== undefined);
    if (!cw) {
      add('chunkwise runs', body.name, undefined, undefined, false, 'chunkwise failed or did not run');
      continue;
    }
    // Responses API families: the issue's target is 1.15× (their terminal event repeats the whole output).
    const limit = body.family === 'openai-logprobs' ? 1.25 : body.family.startsWith('responses-') ? 1.15 : 1.1;
    const floor = row(body.name, 'floor');
    const byMin = (a, b) => (a?.minMs && b?.minMs ? `by min: ${(a.minMs / b.minMs).toFixed(2)}×` : '');
    const spreadNote = (s) => (s ? `middle half of ${s.n} same-round ratios: ${s.q1.toFixed(2)}–${s.q3.toFixed(2)}×` : '');
    const notes = (...xs) => xs.filter(Boolean).join('; ');
    if (cw.xFloor !== undefined) {
      const spread = ratioSpread(cw, floor);
      add(`chunkwise ≤ ${limit}× floor`, body.name, cw.xFloor, limit, cw.xFloor <= limit, notes(spreadNote(spread), byMin(cw, floor)), { spread });
    }
    const before = row(body.name, 'chunkwise-baseline');
    if (before) {
      const slower = cw.medianMs / before.medianMs;
      add('≤ 3% slower than the baseline', body.name, slower, 1.03, slower <= 1.03, notes(spreadNote(ratioSpread(cw, before)), byMin(cw, before)));
    }
    if (body.transport === 'sse') {
      const on = row(body.name, 'openai-node');
      if (on) add('≥ 3× faster than openai-node', body.name, on.xChunkwise, 3, on.xChunkwise >= 3, notes(spreadNote(ratioSpread(on, cw)), byMin(on, cw)));
      const ai = row(body.name, 'ai-sdk');
      if (ai) add('≥ 10× faster than AI SDK', body.name, ai.xChunkwise, 10, ai.xChunkwise >= 10, ai.status === 'extrapolated' ? 'AI SDK time extrapolated' : '');
    }
    if (body.family === 'openai-logprobs') {
      const on = row(body.name, 'openai-node');
      if (on?.memory && cw.memory) {
        const r = cw.memory.requestMB / on.memory.requestMB;
        add('request memory ≤ ½ openai-node (logprobs)', body.name, r, 0.5, r <= 0.5, `${cw.memory.requestMB.toFixed(1)} MB vs ${on.memory.requestMB.toFixed(1)} MB`);
      }
    }
  }
  const families = new Set([...results.values()].filter((x) => x.body.kind === 'generated').map((x) => x.body.family));
  for (const family of families) {
    const big = row(`${family}-200k`, 'chunkwise');
    const mid = row(`${family}-20k`, 'chunkwise');
    if (big && mid) add('linear: time(200k) / time(20k) ≤ 11', family, big.medianMs / mid.medianMs, 11, big.medianMs / mid.medianMs <= 11);
  }
  return targets;
}

export function targetsTable(targets) {
  const lines = ['| target | body | value | result |', '|---|---|--:|---|'];
  for (const t of targets) {
    const value = t.display ?? (t.value === undefined ? '–' : t.target.startsWith('request memory') ? `${t.value.toFixed(2)}×` : `${t.value.toFixed(2)}×`);
    lines.push(`| ${t.target} | ${t.body} | ${value} | ${t.pass ? 'PASS' : '**MISS**'}${t.note ? ` (${t.note})` : ''} |`);
  }
  return lines.join('\n');
}
