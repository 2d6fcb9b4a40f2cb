// Streams a recording from `chunkwise serve` and renders it as it assembles.
// Query parameters: ?server=http://127.0.0.1:8787 (the replay server), &recording=NAME (start at once).
import { streamEvents, typingIndicator } from '/dist/index.js';
import { share } from 'rxjs';

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? 'http://127.0.0.1:8787';
const $ = (id) => document.getElementById(id);
const LABELS = { waiting: 'waiting for the first token', typing: 'typing', paused: 'paused…', done: 'done', error: 'failed' };

// What the page went through, for people and for the browser test.
window.__states = [];

const recordings = await fetch(`${server}/recordings`).then((r) => r.json()).then((r) => r.recordings);
for (const r of recordings) $('recording').add(new Option(`${r.name} (${r.endpoints[0]})`, r.name));
$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  run($('recording').value);
});
if (params.get('recording')) {
  $('recording').value = params.get('recording');
  run(params.get('recording'));
}

function run(name) {
  const recording = recordings.find((r) => r.name === name);
  const endpoint = recording.endpoints[0];
  for (const id of ['reasoning', 'content', 'tools', 'error', 'stats']) $(id).textContent = '';
  window.__states = [];
  delete window.__final;
  document.body.dataset.finished = 'false';

  const request = fetch(`${server}${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chunkwise-recording': name },
    // The Responses API (`/v1/responses`) takes `input`; chat completions and Ollama take `messages`.
    body: JSON.stringify({ model: recording.models[0] ?? 'any', stream: true, ...(endpoint.endsWith('/responses') ? { input: 'Hi' } : { messages: [{ role: 'user', content: 'Hi' }] }) }),
  });
  // One request, two consumers: the indicator and the renderer.
  const events = streamEvents(request).pipe(share());

  events.pipe(typingIndicator({ pauseAfterMs: 400 })).subscribe((state) => {
    window.__states.push(state);
    $('indicator').dataset.state = state;
    $('indicator').textContent = LABELS[state];
  });

  const tools = new Map();
  let tokens = 0;
  events.subscribe({
    next(event) {
      if (event.choice !== 0) return;
      switch (event.type) {
        case 'reasoning.delta':
          $('reasoning').textContent += event.delta;
          break;
        case 'content.delta':
        case 'refusal.delta':
          $('content').textContent += event.delta;
          tokens++;
          break;
        case 'tool_call.start':
          tools.set(event.index, toolElement(event.name));
          break;
        case 'tool_call.arguments.delta':
        case 'tool_call.done': {
          const el = tools.get(event.index) ?? toolElement(event.name ?? '');
          tools.set(event.index, el);
          el.querySelector('.args').textContent = event.arguments;
          const value = event.type === 'tool_call.done' ? event.parsed : event.partial;
          if (value !== undefined) el.querySelector('pre').textContent = JSON.stringify(value, null, 2);
          break;
        }
        case 'done':
          window.__final = event.response;
          break;
      }
      $('stats').textContent = tokens ? `${tokens} content deltas` : '';
    },
    error(error) {
      $('error').textContent = error.message;
      window.__error = error.message;
      document.body.dataset.finished = 'true';
    },
    complete() {
      document.body.dataset.finished = 'true';
    },
  });
}

function toolElement(name) {
  const el = document.createElement('div');
  el.className = 'tool';
  el.innerHTML = '⚙ <span class="name"></span>(<span class="args"></span>)<pre></pre>';
  el.querySelector('.name').textContent = name;
  $('tools').append(el);
  return el;
}
