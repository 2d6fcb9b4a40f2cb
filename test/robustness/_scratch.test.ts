import { readFileSync, readdirSync } from 'node:fs';
import { it } from 'vitest';
import { assemble } from '../../src/index.js';
it('scratch', async () => {
  const t0 = performance.now();
  let n = 0;
  for (const dir of ['recordings', '../shared/reference-streams']) {
    for (const f of readdirSync(dir).filter((n) => /\.(sse|ndjson)$/.test(n))) {
      const body = new Uint8Array(readFileSync(`${dir}/${f}`));
      const tally = new Map<string, number>();
      for (let L = 0; L <= body.length; L += 1) {
        n++;
        for (const lenient of [false, true]) {
        const r = await assemble(body.subarray(0, L), { lenient }).then((v) => 'OK', (e) => `${e.constructor.name}:${e.message.replace(/\d+/g, 'N').slice(0, 50)}:partial=${e.partial !== undefined}`);
        const k = `${lenient ? 'L' : 'S'} ${r}`;
        tally.set(k, (tally.get(k) ?? 0) + 1);
        }
      }
      console.log(f, JSON.stringify([...tally], null, 0));
    }
  }
  console.log('total', n, performance.now() - t0);
}, 600000);
