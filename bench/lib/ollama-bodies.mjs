// Ollama /api/chat NDJSON bodies: one line per token, then the `done: true` line with
// done_reason and the duration / eval-count statistics.
import { textToken } from './text.mjs';

function timestamp(ms, random) {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(random.int(0, 999)).padStart(3, '0')}Z`;
}

export function ollamaChat({ tokens }, random, write) {
  const model = 'llama3.2:3b';
  let ms = Date.UTC(2025, 7, 20, 13, 47, 56, 683);
  const parts = [];
  for (let i = 0; i < tokens; i++) {
    const content = textToken(random);
    parts.push(content);
    ms += random.int(4, 7);
    write(`${JSON.stringify({ model, created_at: timestamp(ms, random), message: { role: 'assistant', content }, done: false })}\n`);
  }
  const evalDuration = tokens * 5_100_000;
  write(
    `${JSON.stringify({
      model,
      created_at: timestamp(ms + 5, random),
      message: { role: 'assistant', content: '' },
      done_reason: 'stop',
      done: true,
      total_duration: evalDuration + 53_180_709,
      load_duration: 34_791_000,
      prompt_eval_count: 23,
      prompt_eval_duration: 18_138_958,
      eval_count: tokens,
      eval_duration: evalDuration,
    })}\n`,
  );
  return { events: tokens + 1, content: parts.join(''), toolArgs: [], logprobTokens: 0 };
}
