/**
 * The timeline and the token-rate chart, drawn on canvas by hand: a few lanes of ticks and
 * one line chart do not need a charting library, and canvas draws 600 000 events (folded per
 * pixel column) in a few milliseconds where SVG would need as many nodes.
 */
import type { Inspection } from '../model.js';
import { timingStats } from '../model.js';
import { ms } from '../dom.js';

const LANES = ['phase', 'bytes', 'messages', 'tokens'] as const;
const LANE_LABELS: Record<(typeof LANES)[number], string> = { phase: 'phase', bytes: 'bytes', messages: 'events', tokens: 'tokens' };
const PAD_LEFT = 64;
const PAD_RIGHT = 12;

interface Colors {
  [name: string]: string;
}

function colors(element: HTMLElement): Colors {
  const style = getComputedStyle(element);
  const get = (name: string) => style.getPropertyValue(`--${name}`).trim() || '#888';
  return {
    fg: get('fg'), muted: get('muted'), grid: get('grid'), accent: get('accent'), error: get('error'), warn: get('warn'),
    waiting: get('phase-waiting'), thinking: get('phase-thinking'), writing: get('phase-writing'), tool: get('phase-tool'),
    done: get('phase-done'), failed: get('error'), keepalive: get('warn'), stall: get('stall'), bg: get('panel'),
  };
}

/** x position ↔ time (or message number when the recording has no timing). */
interface Axis {
  timed: boolean;
  max: number;
  x(value: number): number;
  value(x: number): number;
}

function axisOf(inspection: Inspection, width: number): Axis {
  const timed = inspection.timed && (inspection.end?.at ?? inspection.messages.at(-1)?.at ?? 0) > 0;
  const max = timed ? Math.max(1, inspection.end?.at ?? 0, inspection.messages.at(-1)?.at ?? 0, inspection.pieces.at(-1)?.at ?? 0) : Math.max(1, inspection.messages.length);
  const span = width - PAD_LEFT - PAD_RIGHT;
  return { timed, max, x: (v) => PAD_LEFT + (v / max) * span, value: (x) => ((x - PAD_LEFT) / span) * max };
}

function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 120;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px ui-sans-serif, system-ui, sans-serif';
  return { ctx, width, height };
}

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

function drawAxis(ctx: CanvasRenderingContext2D, axis: Axis, top: number, bottom: number, width: number, c: Colors): void {
  const step = niceStep(axis.max, Math.max(2, Math.floor((width - PAD_LEFT) / 90)));
  ctx.fillStyle = c.muted;
  ctx.strokeStyle = c.grid;
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  for (let v = 0; v <= axis.max + 1e-9; v += step) {
    const x = Math.round(axis.x(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillText(axis.timed ? ms(v) : `#${Math.round(v)}`, x, bottom + 12);
  }
  ctx.textAlign = 'left';
}

/** Where each message sits on the axis. */
function messageX(inspection: Inspection, axis: Axis, i: number): number {
  return axis.x(axis.timed ? inspection.messages[i]!.at : i + 0.5);
}

export interface TimelineMarks {
  selectedMessage: number;
}

/** The drawn lanes of each canvas, so a new selection on a long stream only redraws its marker. */
const drawn = new WeakMap<HTMLCanvasElement, { key: string; base: HTMLCanvasElement }>();

export function drawTimeline(canvas: HTMLCanvasElement, inspection: Inspection, marks: TimelineMarks): void {
  const { ctx, width, height } = prepare(canvas);
  const c = colors(canvas);
  const axis = axisOf(inspection, width);
  const key = `${inspection.id}:${inspection.version}:${canvas.width}x${canvas.height}:${c.fg}:${c.bg}`;
  let cache = drawn.get(canvas);
  if (cache?.key !== key) {
    drawLanes(ctx, inspection, axis, width, height, c);
    const base = cache?.base ?? document.createElement('canvas');
    base.width = canvas.width;
    base.height = canvas.height;
    base.getContext('2d')!.drawImage(canvas, 0, 0);
    drawn.set(canvas, (cache = { key, base }));
  } else {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(cache.base, 0, 0);
    ctx.restore();
  }

  // The selected event's message.
  if (marks.selectedMessage >= 0 && marks.selectedMessage < inspection.messages.length) {
    const x = messageX(inspection, axis, marks.selectedMessage);
    ctx.strokeStyle = c.fg;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, 2);
    ctx.lineTo(x, height - 22);
    ctx.stroke();
    ctx.lineWidth = 1;
  }
}

// One piece: one drawing pass, lane after lane, over the same axis and colours.
function drawLanes(ctx: CanvasRenderingContext2D, inspection: Inspection, axis: Axis, width: number, height: number, c: Colors): void {
  const laneH = (height - 28) / LANES.length;
  const laneY = (lane: (typeof LANES)[number]) => 4 + LANES.indexOf(lane) * laneH;
  drawAxis(ctx, axis, 4, height - 22, width, c);

  ctx.fillStyle = c.muted;
  for (const lane of LANES) ctx.fillText(LANE_LABELS[lane], 4, laneY(lane) + laneH / 2 + 4);

  // Stalls: shaded spans.
  if (axis.timed) {
    for (const stall of timingStats(inspection).stalls) {
      ctx.fillStyle = c.stall;
      ctx.fillRect(axis.x(stall.from), 4, Math.max(2, axis.x(stall.to) - axis.x(stall.from)), height - 26);
      const label = `stall ${ms(stall.to - stall.from)}`;
      const w = ctx.measureText(label).width;
      labelAt(ctx, label, Math.max(axis.x(stall.from) + 4, axis.x(stall.to) - w - 4), laneY('tokens') + laneH / 2 + 4, c.warn, c.bg);
    }
  }

  // Phases: a coloured band with labels.
  const phases = inspection.phases;
  const endX = axis.x(axis.timed ? axis.max : inspection.messages.length);
  for (let i = 0; i < phases.length; i++) {
    const from = phases[i]!;
    const place = (p: (typeof phases)[number]) => axis.x(axis.timed ? p.at : p.message);
    const x0 = place(from);
    const x1 = i + 1 < phases.length ? place(phases[i + 1]!) : endX;
    const name = from.phase.phase;
    ctx.fillStyle = c[name] ?? c.muted;
    const y = laneY('phase') + 3;
    ctx.globalAlpha = name === 'done' || name === 'failed' ? 1 : 0.85;
    ctx.fillRect(x0, y, Math.max(name === 'done' || name === 'failed' ? 3 : 1, x1 - x0), laneH - 6);
    ctx.globalAlpha = 1;
    const label = from.phase.phase === 'tool' ? `tool ${from.phase.name}` : name;
    if (x1 - x0 > ctx.measureText(label).width + 8) {
      ctx.fillStyle = c.bg;
      ctx.fillText(label, x0 + 4, y + laneH / 2 + 1);
    }
  }

  // Pieces (network reads) and messages, folded per pixel column.
  tickLane(ctx, inspection.pieces.length, (i) => (axis.timed ? axis.x(inspection.pieces[i]!.at) : axis.x(pieceMessage(inspection, i))), laneY('bytes'), laneH, c.muted);
  tickLane(ctx, inspection.messages.length, (i) => messageX(inspection, axis, i), laneY('messages'), laneH, c.accent);
  // Keep-alives stand out.
  ctx.fillStyle = c.keepalive;
  inspection.messages.forEach((m, i) => {
    if (m.kind !== 'comment') return;
    const x = messageX(inspection, axis, i);
    const y = laneY('messages') + laneH / 2;
    ctx.beginPath();
    ctx.moveTo(x, y - 5);
    ctx.lineTo(x + 5, y);
    ctx.lineTo(x, y + 5);
    ctx.lineTo(x - 5, y);
    ctx.fill();
  });
  // Tokens: density per column.
  const times = inspection.tokenTimes;
  if (axis.timed) tickLane(ctx, times.length, (i) => axis.x(times[i]!), laneY('tokens'), laneH, c.writing);

  // Milestones: first byte, first token, the end or the error.
  const mark = (at: number | undefined, color: string, label: string, y: number) => {
    if (at === undefined || !axis.timed) return;
    const x = Math.round(axis.x(at)) + 0.5;
    ctx.strokeStyle = color;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, 4);
    ctx.lineTo(x, height - 22);
    ctx.stroke();
    ctx.setLineDash([]);
    const w = ctx.measureText(label).width;
    labelAt(ctx, label, Math.min(width - w - 2, x + 4), y, color, c.bg);
  };
  mark(inspection.firstByteAt, c.muted, `first byte ${ms(inspection.firstByteAt)}`, laneY('bytes') + 11);
  mark(inspection.firstTokenAt, c.writing, `first token ${ms(inspection.firstTokenAt)}`, laneY('tokens') + 11);
  if (inspection.error) {
    const x = axis.timed ? axis.x(inspection.error.at) : endX;
    ctx.fillStyle = c.error;
    ctx.fillRect(x - 1.5, 4, 3, height - 26);
    ctx.fillText(`✕ ${inspection.error.code}`, Math.min(width - 60, x + 4), laneY('messages') + 11);
  }
}

/** Text on a small background, readable over ticks. */
function labelAt(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string, background: string): void {
  const w = ctx.measureText(text).width;
  ctx.fillStyle = background;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(x - 2, y - 10, w + 4, 13);
  ctx.globalAlpha = 1;
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

function pieceMessage(inspection: Inspection, piece: number): number {
  const p = inspection.pieces[piece]!;
  const messages = inspection.messages;
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.end <= p.offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 0.5;
}

function tickLane(ctx: CanvasRenderingContext2D, count: number, x: (i: number) => number, y: number, h: number, color: string): void {
  const columns = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const col = Math.round(x(i));
    columns.set(col, (columns.get(col) ?? 0) + 1);
  }
  let most = 1;
  for (const n of columns.values()) most = Math.max(most, n);
  ctx.fillStyle = color;
  for (const [col, n] of columns) {
    const size = Math.max(3, ((h - 6) * Math.log1p(n)) / Math.log1p(most));
    ctx.globalAlpha = 0.5 + 0.5 * Math.min(1, n / most);
    ctx.fillRect(col, y + (h - size) / 2, 1.5, size);
  }
  ctx.globalAlpha = 1;
}

/** The message nearest to a click at `x`. */
export function messageAt(canvas: HTMLCanvasElement, inspection: Inspection, clientX: number): number {
  const box = canvas.getBoundingClientRect();
  const axis = axisOf(inspection, box.width);
  const v = axis.value(clientX - box.left);
  const messages = inspection.messages;
  if (!messages.length) return -1;
  if (!axis.timed) return Math.max(0, Math.min(messages.length - 1, Math.floor(v)));
  let best = 0;
  let lo = 0;
  let hi = messages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.at < v) lo = mid + 1;
    else hi = mid - 1;
  }
  best = Math.min(messages.length - 1, lo);
  if (best > 0 && Math.abs(messages[best - 1]!.at - v) <= Math.abs(messages[best]!.at - v)) best--;
  return best;
}

/** Inter-token gaps (dots) and tokens per second (line) over the stream. */
export function drawRateChart(canvas: HTMLCanvasElement, inspection: Inspection): { peakRate: number; medianGap: number } {
  const { ctx, width, height } = prepare(canvas);
  const c = colors(canvas);
  const axis = axisOf(inspection, width);
  const top = 14;
  const bottom = height - 22;
  const times = inspection.tokenTimes;
  const { gaps, medianGap } = timingStats(inspection);
  if (!axis.timed || times.length < 2) {
    ctx.fillStyle = c.muted;
    ctx.fillText(axis.timed ? 'not enough tokens for a rate' : 'no timing in this recording (no sidecar): events are shown in order', PAD_LEFT, height / 2);
    return { peakRate: 0, medianGap };
  }
  drawAxis(ctx, axis, top, bottom, width, c);
  // Tokens per second over a sliding window (1/40 of the stream, at least 250 ms), every ~4 px.
  const samples = Math.max(8, Math.floor((width - PAD_LEFT - PAD_RIGHT) / 4));
  const windowMs = Math.max(250, axis.max / 40);
  const rates = new Float64Array(samples);
  let lo = 0;
  let hi = 0;
  for (let s = 0; s < samples; s++) {
    const centre = ((s + 0.5) / samples) * axis.max;
    while (hi < times.length && times[hi]! < centre + windowMs / 2) hi++;
    while (lo < hi && times[lo]! < centre - windowMs / 2) lo++;
    rates[s] = ((hi - lo) / windowMs) * 1000;
  }
  let peakRate = 0;
  for (const r of rates) peakRate = Math.max(peakRate, r);
  let maxGap = 1;
  for (const g of gaps) maxGap = Math.max(maxGap, g);
  const yRate = (r: number) => bottom - (r / Math.max(1, peakRate)) * (bottom - top);
  // Gaps on a log scale: 1 ms and 3 s both stay readable.
  const yGap = (g: number) => bottom - (Math.log1p(g) / Math.log1p(maxGap)) * (bottom - top);

  ctx.fillStyle = c.thinking;
  ctx.globalAlpha = 0.9;
  for (let i = 0; i < gaps.length; i++) ctx.fillRect(Math.round(axis.x(times[i + 1]!)) - 1.5, yGap(gaps[i]!) - 1.5, 3, 3);
  ctx.globalAlpha = 1;

  ctx.beginPath();
  ctx.moveTo(axis.x(0), bottom);
  for (let s = 0; s < samples; s++) ctx.lineTo(axis.x(((s + 0.5) / samples) * axis.max), yRate(rates[s]!));
  ctx.lineTo(axis.x(axis.max), bottom);
  ctx.closePath();
  ctx.fillStyle = c.writing;
  ctx.globalAlpha = 0.15;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = c.writing;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let s = 0; s < samples; s++) {
    const x = axis.x(((s + 0.5) / samples) * axis.max);
    const y = yRate(rates[s]!);
    if (s === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  ctx.lineWidth = 1;

  ctx.fillStyle = c.writing;
  ctx.fillText(`— tokens/s, ${ms(windowMs)} window (peak ${Math.round(peakRate)})`, PAD_LEFT, 10);
  ctx.fillStyle = c.thinking;
  const legend = `• gap between tokens (max ${ms(maxGap)}, median ${ms(medianGap)})`;
  ctx.fillText(legend, Math.max(PAD_LEFT + 180, width - PAD_RIGHT - ctx.measureText(legend).width), 10);
  ctx.fillStyle = c.muted;
  ctx.fillText('tok/s', 4, top + 10);
  ctx.fillText('gap (log)', 4, bottom - 2);
  return { peakRate, medianGap };
}
