import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { assemble, createPipeline } from '../../src/index.js';
it('scratch', async () => {
  for (const f of ['recordings/openai-text.sse', 'recordings/ollama-chat-text.ndjson']) {
    const body = new Uint8Array(readFileSync(f));
    let t0 = performance.now();
    for (let L = 0; L <= body.length; L++) await assemble(body.subarray(0, L)).catch(() => {});
    console.log(f, 'assemble', (performance.now() - t0) / body.length * 1000, 'us');
    t0 = performance.now();
    for (let L = 0; L <= body.length; L++) { const p = createPipeline({}, { final() {}, error() {} }); p.feed(body.subarray(0, L)); p.end(); }
    console.log(f, 'pipeline', (performance.now() - t0) / body.length * 1000, 'us');
    const lim = Error.stackTraceLimit; Error.stackTraceLimit = 0;
    t0 = performance.now();
    for (let L = 0; L <= body.length; L++) await assemble(body.subarray(0, L)).catch(() => {});
    console.log(f, 'assemble nostack', (performance.now() - t0) / body.length * 1000, 'us');
    Error.stackTraceLimit = lim;
    t0 = performance.now();
    for (let L = 0; L <= body.length; L++) { const p = createPipeline({}, { final() {}, error() {} }); p.feed(body.subarray(0, L)); p.end(); }
    console.log(f, 'pipeline', (performance.now() - t0) / body.length * 1000, 'us');
  }
}, 200000);
