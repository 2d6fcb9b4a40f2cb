import { test } from 'vitest';
import { startTestServer } from '../helpers/http-server.js';
test('dbg', async () => {
  const server = await startTestServer();
  const ps = Array.from({ length: 48 }, (_, i) => fetch(`${server.url}?stream=${i}`).catch((e) => e));
  let n = 0;
  const t0 = Date.now();
  for (let k = 0; k < 48; k++) {
    const r = await Promise.race([server.nextExchange(), new Promise((r) => setTimeout(() => r('timeout'), 2000))]);
    if (r === 'timeout') break;
    n++;
  }
  console.log('arrived', n, Date.now() - t0);
  await server.close();
}, 20000);
