// A chat UI on top of `typingPhases()`: each answer is a bundled recording, replayed in the page
// (`replayResponse`) with its recorded timing when it has a sidecar, else at an even pace, and
// read with `streamEvents()` like a live `fetch`. Query: ?speed=N plays N times faster; ?auto=1
// asks every question in turn.
import { recordingFromSidecar, replayResponse, streamEvents, typingPhases } from '/dist/index.js';
import { share } from 'rxjs';

const params = new URLSearchParams(location.search);
const speed = Number(params.get('speed') ?? 1);
const $ = (id) => document.getElementById(id);

// The prompts are ours; the answers are the recordings (recordings/README.md says where each came from).
const TURNS = [
  { ask: 'Describe a rabbit in three short sentences.', recording: 'demo.ndjson', note: 'recorded timing' },
  { ask: 'What is 7 × 8?', recording: 'ollama-chat-thinking.ndjson' },
  { ask: 'What is the weather in Paris?', recording: 'ollama-chat-tool-calls.ndjson' },
  { ask: 'Give me three tips for learning a language.', recording: 'openai-midstream-error.sse', note: 'fails mid-stream' },
];

const LABELS = { waiting: 'waiting for the first token…', thinking: 'thinking…', writing: 'writing…', done: 'done', failed: 'failed' };
const label = (p) => (p.phase === 'tool' ? `calling ${p.name || 'a tool'}…` : LABELS[p.phase]) + (p.paused ? ' (paused)' : '');

// What each answer went through, for people (the trail under it) and for the browser test.
window.__turns = [];

async function loadRecording(name) {
  const body = new Uint8Array(await (await fetch(`/recordings/${name}`)).arrayBuffer());
  const sidecar = await fetch(`/recordings/${name}.json`);
  if (sidecar.ok) return { recording: recordingFromSidecar(body, await sidecar.json(), `${name}.json`), timed: true };
  const contentType = name.endsWith('.sse') ? 'text/event-stream' : 'application/x-ndjson';
  return { recording: { body, meta: { contentType } }, timed: false };
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

let busy = false;

async function ask(turn) {
  if (busy) return;
  busy = true;
  setButtons(true);
  const record = { recording: turn.recording, phases: [], text: '', done: false };
  window.__turns.push(record);
  const user = element('div', 'msg user');
  user.append(element('div', 'bubble', turn.ask));
  const answer = element('div', 'msg assistant');
  const status = element('div', 'status');
  const bubble = element('div', 'bubble');
  const thinking = element('div', 'thinking');
  const text = element('span', 'text');
  const tools = element('div', 'tools');
  const error = element('div', 'error');
  const trail = element('div', 'trail');
  bubble.append(thinking, text, tools);
  answer.append(status, bubble, error, trail);
  $('thread').append(user, answer);
  answer.scrollIntoView({ block: 'end' });

  const { recording, timed } = await loadRecording(turn.recording);
  // Recorded pieces keep their times; a body without a sidecar plays at 25 messages a second.
  const response = replayResponse(recording, timed ? { speed } : { timing: 'synthetic', tokensPerSecond: 25, speed });
  const events = streamEvents(Promise.resolve(response)).pipe(share());
  const started = performance.now();
  const steps = [];

  events.pipe(typingPhases({ pauseAfterMs: 600 / speed })).subscribe((phase) => {
    status.dataset.phase = phase.phase;
    status.dataset.paused = String(Boolean(phase.paused));
    status.textContent = label(phase);
    if (phase.paused) return;
    record.phases.push(phase.phase === 'tool' ? `tool:${phase.name}` : phase.phase);
    steps.push({ name: phase.phase === 'tool' ? phase.name : phase.phase, at: performance.now() - started });
    trail.textContent = steps.map((s, i) => (i + 1 < steps.length ? `${s.name} ${Math.round((steps[i + 1].at - s.at) * speed)} ms` : s.name)).join(' → ');
    if (phase.phase === 'done' || phase.phase === 'failed') finish();
  });

  const cards = new Map();
  events.subscribe({
    next(event) {
      if (event.choice !== 0) return;
      if (event.type === 'reasoning.delta') thinking.textContent += event.delta;
      else if (event.type === 'content.delta') {
        text.textContent += event.delta;
        record.text = text.textContent;
      } else if (event.type === 'tool_call.start' || event.type === 'tool_call.arguments.delta' || event.type === 'tool_call.done') {
        let card = cards.get(event.index);
        if (!card) {
          card = element('div', 'tool');
          card.append(element('span', 'name', `⚙ ${event.name ?? ''}`), element('pre'));
          cards.set(event.index, card);
          tools.append(card);
        }
        const value = event.type === 'tool_call.done' ? event.parsed : event.partial;
        if (value !== undefined) card.querySelector('pre').textContent = JSON.stringify(value, null, 2);
      }
    },
    error(e) {
      error.textContent = e.message;
    },
  });

  function finish() {
    record.done = true;
    busy = false;
    setButtons(false);
    if (params.get('auto') && window.__turns.length < TURNS.length) ask(TURNS[window.__turns.length]);
    else document.body.dataset.finished = 'true';
  }
}

function setButtons(disabled) {
  for (const button of $('prompts').querySelectorAll('button')) button.disabled = disabled;
}

for (const turn of TURNS) {
  const button = element('button', '', turn.ask);
  if (turn.note) button.append(element('span', 'note', turn.note));
  button.addEventListener('click', () => ask(turn));
  $('prompts').append(button);
}
if (params.get('auto')) ask(TURNS[0]);
