/**
 * The `chunkwise inspect` page: one stream (or several, from the proxy) at a glance.
 * Built by tsup into one self-contained `dist/inspect/index.html` (no CDN, works from file://).
 */
import type { TypingPhase } from '../index.js';
import { $, h, ms, PROBABILITY_BANDS, visibleText } from './dom.js';
import { displayTokens, effectOf, errorMessage, timingStats, type InspectedChoice, type Inspection } from './model.js';
import { followLive, inspectFiles } from './sources.js';
import { jsonTree } from './views/json-tree.js';
import { drawRateChart, drawTimeline, messageAt } from './views/timeline.js';
import { TokenText, Tooltip } from './views/token-text.js';
import { VirtualList } from './views/virtual-list.js';

interface Entry {
  inspection: Inspection;
  savable: boolean;
  saved?: string;
}

const entries: Entry[] = [];
let current: Entry | undefined;
let choice = 0;
let selectedEvent = -1;
let selectedMessage = -1;
let drawnVersion = -1;
let drawnKey = '';
let lastChartDraw = 0;
let rateDrawn = { key: '', peakRate: 0 };
let ids = 0;
const decoder = new TextDecoder();

// ---- theme -------------------------------------------------------------------------------
const THEME_KEY = 'chunkwise-inspect-theme';
function applyTheme(theme: string): void {
  document.documentElement.dataset.theme = theme;
  $('#theme').setAttribute('aria-label', theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme');
  $('#theme').textContent = theme === 'dark' ? '☀' : '☾';
  drawnKey = '';
  schedule();
}
function initialTheme(): string {
  const asked = new URLSearchParams(location.search).get('theme');
  if (asked === 'dark' || asked === 'light') return asked;
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {}
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// ---- views -------------------------------------------------------------------------------
const tooltip = new Tooltip();
const reasoningText = new TokenText({ label: 'Reasoning', className: 'reasoning', tooltip, onSelectEvent: (e) => selectEvent(e) });
const contentText = new TokenText({ label: 'Content', className: 'content', tooltip, onSelectEvent: (e) => selectEvent(e) });
const refusalText = new TokenText({ label: 'Refusal', className: 'refusal', tooltip, onSelectEvent: (e) => selectEvent(e) });

const eventList = new VirtualList({
  label: 'Events (↑/↓ to move)',
  rowHeight: 24,
  onSelect: (i) => selectEvent(i),
  renderRow(i, row) {
    const event = current!.inspection.events[i]!;
    row.classList.add(`ev-${event.type.replace(/\./g, '-')}`);
    row.append(
      h('span', { class: 'c-num', text: String(i) }),
      h('span', { class: 'c-at', text: current!.inspection.timed ? ms(event.at) : '' }),
      h('span', { class: 'c-type', text: event.type }),
      h('span', { class: 'c-choice', text: event.type === 'chunk' || event.type === 'done' ? '' : `#${event.choice}` }),
      h('span', { class: 'c-brief', text: briefOf(event.fields) }),
    );
  },
});

const rawList = new VirtualList({
  label: 'Wire bytes, one message a row (↑/↓ to move)',
  rowHeight: 24,
  onSelect: (i) => selectMessage(i),
  renderRow(i, row) {
    const inspection = current!.inspection;
    const message = inspection.messages[i]!;
    row.classList.add(`raw-${message.kind}`);
    if (i === errorMessage(inspection)) row.classList.add('raw-error');
    const bytes = inspection.body.subarray(message.start, Math.min(message.end, message.start + 240));
    row.append(
      h('span', { class: 'c-num', text: String(i) }),
      h('span', { class: 'c-at', text: inspection.timed ? ms(message.at) : '' }),
      h('span', { class: 'c-span', text: `${message.start}–${message.end}` }),
      h('span', { class: 'c-kind', text: message.kind === 'comment' ? 'keep-alive' : message.kind === 'done' ? '[DONE]' : `${message.eventCount} ev` }),
      h('code', { class: 'c-bytes', text: visibleText(decoder.decode(bytes)) }),
    );
  },
});

function briefOf(fields: Record<string, unknown>): string {
  if ('delta' in fields) return JSON.stringify(fields.delta);
  if ('token' in fields) return `${JSON.stringify(fields.token)} ${(Math.exp(Number(fields.logprob)) * 100).toFixed(1)}%`;
  if ('name' in fields) return String(fields.name);
  if ('reason' in fields) return String(fields.reason);
  const text = JSON.stringify(fields);
  return text === '{}' ? '' : text;
}

// ---- selection ---------------------------------------------------------------------------
function selectEvent(index: number): void {
  if (!current) return;
  const event = current.inspection.events[index];
  if (!event) return;
  selectedEvent = index;
  selectedMessage = event.message;
  if (event.type !== 'chunk' && event.type !== 'done' && event.choice !== choice) {
    choice = event.choice;
    drawnKey = '';
  }
  eventList.select(index);
  if (selectedMessage >= 0) rawList.select(selectedMessage);
  for (const view of [reasoningText, contentText, refusalText]) view.showEvent(index);
  for (const slider of document.querySelectorAll<HTMLInputElement>('.tool-steps input')) slider.dispatchEvent(new CustomEvent('event-selected', { detail: index }));
  renderDetail();
  drawCharts(true);
}

function selectMessage(index: number): void {
  if (!current) return;
  const message = current.inspection.messages[index];
  if (!message) return;
  if (message.eventCount > 0) {
    selectEvent(message.firstEvent);
    return;
  }
  selectedMessage = index;
  selectedEvent = -1;
  rawList.select(index);
  eventList.select(-1);
  renderDetail();
  drawCharts(true);
}

function renderDetail(): void {
  const panel = $('#detail');
  if (!current) return panel.replaceChildren();
  const inspection = current.inspection;
  const event = selectedEvent >= 0 ? inspection.events[selectedEvent] : undefined;
  const message = selectedMessage >= 0 ? inspection.messages[selectedMessage] : undefined;
  const parts: Node[] = [];
  if (event) {
    parts.push(
      h('div', { class: 'detail-head' }, h('strong', { text: event.type }), h('span', { class: 'muted', text: ` event ${selectedEvent}${inspection.timed ? ` · at ${ms(event.at)}` : ''}` })),
      h('div', { class: 'effect', 'data-testid': 'effect', text: effectOf(event) }),
    );
    if (Object.keys(event.fields).length) parts.push(jsonTree(event.fields, { openDepth: 1 }));
  }
  if (message) {
    const text = decoder.decode(inspection.body.subarray(message.start, Math.min(message.end, message.start + 20_000)));
    parts.push(
      h('div', { class: 'detail-head' }, h('strong', { text: `bytes ${message.start}–${message.end}` }), h('span', { class: 'muted', text: ` message ${selectedMessage} · ${message.end - message.start} B${inspection.timed ? ` · arrived ${ms(message.at)}` : ''}` })),
      h('pre', { class: 'bytes', 'data-testid': 'event-bytes', text: visibleText(text).replace(/\\n/g, '\\n\n') }),
    );
  }
  if (!parts.length) parts.push(h('p', { class: 'muted', text: 'Select an event, a message, a token or a point on the timeline to see its bytes and what it did to the response.' }));
  panel.replaceChildren(...parts);
}

// ---- rendering ---------------------------------------------------------------------------
let frame = 0;
function schedule(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  renderRequests();
  const empty = !current;
  $('#empty').hidden = !empty;
  $('#waiting').hidden = $('#connection').dataset.state !== 'live';
  $('#stream').hidden = empty;
  if (!current) return;
  const inspection = current.inspection;
  const key = `${inspection.id}:${choice}`;
  const changed = key !== drawnKey || inspection.version !== drawnVersion;
  if (!changed) return;
  const switched = key !== drawnKey;
  drawnKey = key;
  drawnVersion = inspection.version;
  renderSummary(inspection);
  renderError(inspection);
  renderChoices(inspection);
  const selected: InspectedChoice | undefined = inspection.choices[choice];
  const { tokens, withLogprobs } = selected ? displayTokens(selected) : { tokens: [], withLogprobs: false };
  reasoningText.set(selected?.reasoning ?? [], false);
  contentText.set(tokens, withLogprobs);
  refusalText.set(selected?.refusal ?? [], false);
  $('#reasoning-box').hidden = !selected?.reasoning.length;
  $('#refusal-box').hidden = !selected?.refusal.length;
  $('#legend').hidden = !withLogprobs;
  $('#content-empty').hidden = tokens.length > 0;
  renderTools(selected, switched);
  eventList.setCount(inspection.events.length);
  rawList.setCount(inspection.messages.length);
  $('#event-count').textContent = inspection.events.length.toLocaleString();
  $('#message-count').textContent = `${inspection.messages.length.toLocaleString()} messages · ${inspection.body.length.toLocaleString()} B`;
  if (switched || inspection.end) renderFinal(inspection);
  if (switched) renderDetail();
  drawCharts(switched || Boolean(inspection.end));
  document.body.dataset.ready = inspection.end ? 'true' : 'streaming';
  ((window as unknown as { __readyStates?: string[] }).__readyStates ??= []).push(document.body.dataset.ready);
}

function drawCharts(now: boolean): void {
  if (!current) return;
  // While a stream is live, the charts redraw at most 5 times a second.
  const t = performance.now();
  if (!now && t - lastChartDraw < 200) return void setTimeout(() => drawCharts(true), 210);
  lastChartDraw = t;
  const inspection = current.inspection;
  const timeline = $<HTMLCanvasElement>('#timeline');
  drawTimeline(timeline, inspection, { selectedMessage });
  // The rate chart does not show the selection: it is redrawn only when the stream or its size changed.
  const rateCanvas = $<HTMLCanvasElement>('#rate');
  const key = `${inspection.id}:${inspection.version}:${rateCanvas.clientWidth}x${rateCanvas.clientHeight}:${document.documentElement.dataset.theme}`;
  if (key !== rateDrawn.key) rateDrawn = { key, peakRate: drawRateChart(rateCanvas, inspection).peakRate };
  const rate = rateDrawn;
  // What the canvas shows, in words: for screen readers, and for the browser test.
  const stalls = timingStats(inspection).stalls;
  Object.assign(timeline.dataset, {
    messages: String(inspection.messages.length),
    events: String(inspection.events.length),
    keepAlives: String(inspection.messages.filter((m) => m.kind === 'comment').length),
    firstByte: String(inspection.firstByteAt ?? ''),
    firstToken: String(inspection.firstTokenAt ?? ''),
    stalls: stalls.map((s) => `${s.from}-${s.to}`).join(','),
    phases: inspection.phases.map((p) => p.phase.phase).join(','),
    end: String(inspection.end?.at ?? ''),
  });
  timeline.setAttribute(
    'aria-label',
    `Timeline: ${inspection.messages.length} messages; first byte ${ms(inspection.firstByteAt)}, first token ${ms(inspection.firstTokenAt)}, ${stalls.length} stalls, peak ${Math.round(rate.peakRate)} tokens/s. ←/→ move between messages.`,
  );
}

const PHASE_LABELS: Record<TypingPhase['phase'], string> = { waiting: 'waiting for the first token', thinking: 'thinking', writing: 'writing', tool: 'calling a tool', done: 'done', failed: 'failed' };

function phaseLabel(phase: TypingPhase): string {
  return phase.phase === 'tool' ? `calling ${phase.name || 'a tool'}` : PHASE_LABELS[phase.phase];
}

function renderSummary(inspection: Inspection): void {
  const meta = inspection.meta;
  const stats = timingStats(inspection);
  const last = inspection.phases.at(-1)!.phase;
  const duration = inspection.end?.at ?? inspection.pieces.at(-1)?.at;
  const tokens = inspection.tokenTimes.length;
  const writingMs = inspection.firstTokenAt !== undefined && duration !== undefined ? duration - inspection.firstTokenAt : undefined;
  const rate = writingMs && writingMs > 0 ? (tokens / writingMs) * 1000 : undefined;
  const finish = inspection.choices.map((c) => c.finish?.reason).filter((r) => r !== undefined);
  const model = meta.model ?? (inspection.final as { model?: string } | undefined)?.model ?? (inspection.error?.partial as { model?: string } | undefined)?.model;
  const cell = (label: string, value: string, testid: string) => h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: label }), h('span', { class: 'stat-value', 'data-testid': testid, text: value }));
  const timed = inspection.timed;
  $('#summary').replaceChildren(
    h('div', { class: `phase phase-${last.phase}`, 'data-testid': 'phase', 'data-phase': last.phase, role: 'status', text: phaseLabel(last) }),
    cell('provider', [inspection.provider ?? '?', inspection.format].filter(Boolean).join(' · '), 'provider'),
    cell('model', model ?? '–', 'model'),
    cell('first byte', timed ? ms(inspection.firstByteAt) : '–', 'ttfb'),
    cell('first token', timed ? ms(inspection.firstTokenAt) : '–', 'first-token'),
    cell('duration', timed ? ms(duration) : 'untimed', 'duration'),
    cell('tokens', tokens.toLocaleString(), 'tokens'),
    cell('tokens/s', rate ? rate.toFixed(1) : '–', 'rate'),
    cell('stalls', timed ? String(stats.stalls.length) : '–', 'stalls'),
    cell('finish', finish.length ? finish.map(String).join(', ') : inspection.end ? '–' : '…', 'finish'),
  );
}

function renderError(inspection: Inspection): void {
  const box = $('#error');
  const error = inspection.error;
  box.hidden = !error;
  if (!error) return box.replaceChildren();
  const message = errorMessage(inspection);
  box.replaceChildren(
    h('div', { class: 'error-head' }, h('strong', { text: `${error.name} (${error.code})` }), ` at ${inspection.timed ? ms(error.at) : 'the end'}, byte ${error.offset.toLocaleString()}`),
    h('div', { class: 'error-message', 'data-testid': 'error-message', text: error.message }),
    h('div', { class: 'error-actions' }, message >= 0 ? h('button', { type: 'button', text: 'Show the bytes where it broke', onclick: () => selectMessage(message) }) : undefined),
    error.partial === undefined ? h('p', { class: 'muted', text: 'Nothing was assembled before the failure.' }) : jsonTree(error.partial, { openDepth: 1, label: 'partial result' }),
  );
}

function renderChoices(inspection: Inspection): void {
  const bar = $('#choices');
  const count = inspection.choices.length;
  bar.hidden = count < 2;
  if (count < 2) return bar.replaceChildren();
  bar.replaceChildren(
    ...inspection.choices.map((c) =>
      h('button', { type: 'button', role: 'tab', 'aria-selected': c.index === choice ? 'true' : 'false', class: 'tab', text: `choice ${c.index}`, onclick: () => ((choice = c.index), (drawnKey = ''), schedule()) }),
    ),
  );
}

function renderTools(selected: InspectedChoice | undefined, switched: boolean): void {
  const box = $('#tools');
  const tools = selected?.tools ?? [];
  $('#tools-box').hidden = tools.length === 0;
  if (switched) box.replaceChildren();
  for (const tool of tools) {
    let card = box.querySelector<HTMLElement>(`[data-tool="${tool.index}"]`);
    if (!card) {
      card = h('article', { class: 'tool', 'data-tool': String(tool.index) });
      box.append(card);
    }
    const state = tool.done ? (tool.done.error ? 'invalid' : 'parsed') : 'forming';
    const steps = tool.steps;
    const slider = h('input', { type: 'range', min: 0, max: Math.max(0, steps.length - 1), value: Math.max(0, steps.length - 1), 'aria-label': `Argument fragments of ${tool.name}` });
    const stepText = h('pre', { class: 'tool-partial', 'data-testid': 'tool-partial' });
    const stepLabel = h('span', { class: 'muted' });
    const showStep = (i: number) => {
      const step = steps[i];
      if (!step) return;
      stepLabel.textContent = `fragment ${i + 1} of ${steps.length}`;
      stepText.textContent = step.partial === undefined ? '(nothing parsed yet)' : JSON.stringify(JSON.parse(step.partial), null, 2);
    };
    slider.addEventListener('input', () => {
      showStep(Number(slider.value));
    });
    slider.addEventListener('change', () => {
      const step = steps[Number(slider.value)];
      if (step) selectEvent(step.event);
    });
    slider.addEventListener('event-selected', (e) => {
      const i = steps.findIndex((s) => s.event === (e as CustomEvent<number>).detail);
      if (i >= 0) {
        slider.value = String(i);
        showStep(i);
      }
    });
    showStep(steps.length - 1);
    const parts: Array<Node | undefined> = [
      h('header', {}, h('span', { class: 'tool-icon', text: '⚙' }), h('span', { class: 'tool-name', 'data-testid': 'tool-name', text: tool.name || '(no name yet)' }), h('span', { class: `badge badge-${state}`, text: state }), tool.id ? h('span', { class: 'muted mono', text: tool.id }) : undefined),
      h('div', { class: 'tool-label', text: 'arguments as they arrived' }),
      h('pre', { class: 'tool-args', 'data-testid': 'tool-args', text: tool.arguments }),
      steps.length ? h('div', { class: 'tool-steps' }, h('div', { class: 'tool-label' }, 'partial value after each fragment · ', stepLabel), slider, stepText) : undefined,
      tool.done && !tool.done.error ? h('div', { class: 'tool-label', text: 'parsed' }) : undefined,
      tool.done && !tool.done.error ? h('pre', { class: 'tool-parsed', 'data-testid': 'tool-parsed', text: JSON.stringify(tool.done.parsed, null, 2) }) : undefined,
      tool.done?.error ? h('div', { class: 'tool-error', text: tool.done.error }) : undefined,
    ];
    card.replaceChildren(...parts.filter((p): p is Node => p !== undefined));
  }
}

function renderFinal(inspection: Inspection): void {
  const box = $('#final');
  if (inspection.final !== undefined) box.replaceChildren(jsonTree(inspection.final, { openDepth: 3 }));
  else if (inspection.end) box.replaceChildren(h('p', { class: 'muted', text: inspection.error ? 'No final object: the stream failed (its partial result is shown above).' : 'No final object.' }));
  else box.replaceChildren(h('p', { class: 'muted', text: 'The stream is still arriving…' }));
}

function renderRequests(): void {
  const list = $('#requests');
  $('#sidebar').hidden = entries.length < 2 && !entries.some((e) => e.savable);
  const items = entries.map((entry, i) => {
    const inspection = entry.inspection;
    const phase = inspection.phases.at(-1)!.phase.phase;
    const status = inspection.end ? (inspection.error ? 'failed' : 'done') : 'streaming';
    const item = h(
      'li',
      { class: `request${entry === current ? ' current' : ''}` },
      h(
        'button',
        { type: 'button', class: 'request-open', 'aria-current': entry === current ? 'true' : undefined, onclick: () => ((autoFollow = false), show(entry)) },
        h('span', { class: `dot dot-${status}`, 'aria-hidden': 'true' }),
        h('span', { class: 'request-label', text: inspection.label }),
        h('span', { class: 'request-meta muted', text: `${i + 1} · ${inspection.meta.model ?? inspection.provider ?? ''} · ${status === 'streaming' ? phase : status}` }),
      ),
      entry.savable && inspection.end
        ? h('button', { type: 'button', class: 'save', text: entry.saved ? 'saved' : 'Save', title: entry.saved ?? 'Save as a recording (secrets redacted)', disabled: Boolean(entry.saved), onclick: () => save(entry) })
        : undefined,
    );
    return item;
  });
  list.replaceChildren(...items);
}

async function save(entry: Entry): Promise<void> {
  const response = await fetch(`api/requests/${encodeURIComponent(entry.inspection.id)}/save`, { method: 'POST' });
  const answer = (await response.json()) as { path?: string; error?: string };
  if (answer.path !== undefined) entry.saved = answer.path;
  $('#toast').textContent = answer.path ? `Saved ${answer.path}` : `Not saved: ${answer.error}`;
  schedule();
}

function show(entry: Entry): void {
  current = entry;
  choice = 0;
  selectedEvent = -1;
  selectedMessage = -1;
  drawnKey = '';
  // The lists still count the previous stream's rows: empty them before they redraw.
  eventList.setCount(0);
  rawList.setCount(0);
  eventList.select(-1);
  rawList.select(-1);
  schedule();
}

function add(inspection: Inspection, savable: boolean): void {
  const entry = { inspection, savable };
  entries.push(entry);
  (window as unknown as { __inspect: unknown }).__inspect = { entries: entries.map((e) => e.inspection) };
  // The first stream is shown at once; in proxy mode each new request is followed until one is picked by hand.
  if (!current || (savable && autoFollow)) show(entry);
  schedule();
}

let autoFollow = true;

// ---- files -------------------------------------------------------------------------------
async function openFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  const { inspections, problems } = await inspectFiles(files, () => `file-${++ids}`);
  $('#toast').textContent = problems.join('; ');
  autoFollow = false;
  for (const inspection of inspections) add(inspection, false);
  if (inspections[0]) show(entries.find((e) => e.inspection === inspections[0])!);
}

function setupFiles(): void {
  const input = $<HTMLInputElement>('#file');
  $('#open').addEventListener('click', () => input.click());
  $('#open-empty').addEventListener('click', () => input.click());
  input.addEventListener('change', () => void openFiles([...(input.files ?? [])]).then(() => (input.value = '')));
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    if (--depth <= 0) document.body.classList.remove('dragging');
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    void openFiles([...(e.dataTransfer?.files ?? [])]);
  });
}

// ---- keyboard ----------------------------------------------------------------------------
function setupKeys(): void {
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    if (target.matches('input, textarea, select') || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 't') applyAndSaveTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
    else if (event.key === 'n' || event.key === 'p') {
      if (!current) return;
      const next = Math.max(0, Math.min(current.inspection.events.length - 1, selectedEvent + (event.key === 'n' ? 1 : -1)));
      selectEvent(next);
    } else if (event.key === ']' || event.key === '[') {
      const i = entries.indexOf(current!);
      const next = entries[i + (event.key === ']' ? 1 : -1)];
      if (next) show(next);
    } else if (event.key === '?') $<HTMLDialogElement>('#help').showModal();
    else return;
    event.preventDefault();
  });
  const canvas = $<HTMLCanvasElement>('#timeline');
  canvas.addEventListener('click', (event) => current && selectMessage(messageAt(canvas, current.inspection, event.clientX)));
  canvas.addEventListener('keydown', (event) => {
    if (!current) return;
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    selectMessage(Math.max(0, Math.min(current.inspection.messages.length - 1, selectedMessage + step)));
  });
}

function applyAndSaveTheme(theme: string): void {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {}
  applyTheme(theme);
}

// ---- start -------------------------------------------------------------------------------
function start(): void {
  $('#events-panel').append(eventList.element);
  $('#raw-panel').append(rawList.element);
  $('#reasoning').append(reasoningText.element);
  $('#content').append(contentText.element);
  $('#refusal').append(refusalText.element);
  $('#legend').append(...PROBABILITY_BANDS.map((band, i) => h('span', { class: `legend-item p${i}`, text: band.label })));
  $('#help-open').addEventListener('click', () => $<HTMLDialogElement>('#help').showModal());
  $('#theme').addEventListener('click', () => applyAndSaveTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'));
  applyTheme(initialTheme());
  setupFiles();
  setupKeys();
  new ResizeObserver(() => drawCharts(true)).observe($('#timeline'));
  followLive('api/live', {
    added: (inspection, savable) => add(inspection, savable),
    changed: () => schedule(),
    status: (state) => {
      $('#connection').textContent = state === 'live' ? '● live' : state === 'connecting' ? '○ connecting' : '';
      $('#connection').dataset.state = state;
      if (state === 'offline') document.body.dataset.ready ??= 'empty';
      schedule();
    },
  });
  schedule();
}

start();
