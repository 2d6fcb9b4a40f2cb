// The server side of the load run (bench/load.mjs forks this file): replays a recording to
// every request over loopback HTTP, then reports its URL over IPC.
//
//   node bench/lib/load-server.mjs builtin|replay FILE DURATION_MS [EVENTS]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chunkwiseDist } from './dist-snapshot.mjs';
import { createRandom } from './prng.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every request gets the recording in 150–600-byte pieces, the whole stream spread
  over about `durationMs` (like tokens arriving; long enough for all 1,000 to be open at
  once even on a busy machine), then the connection closes. */
function serve(file, durationMs) {
  const body = readFileSync(file);
  const random = createRandom(`load/${file}`);
  const cuts = [];
  for (let at = 0; at < body.length; ) cuts.push((at = Math.min(body.length, at + random.int(150, 600))));
  const delay = Math.round(durationMs / cuts.length);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
    let i = 0;
    let from = 0;
    const next = () => {
      if (i === cuts.length) return void res.end();
      res.write(body.subarray(from, (from = cuts[i++])));
      setTimeout(next, delay);
    };
    next();
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () =>
    process.send({ url: `http://127.0.0.1:${server.address().port}/`, server: `a node:http server writing it in ${cuts.length} pieces ${delay} ms apart` }),
  );
}

/** chunkwise's own replay server, paced so that one stream lasts about `durationMs`. */
async function serveReplay(file, durationMs, events) {
  const { createReplayServer } = await import(pathToFileURL(join(chunkwiseDist(ROOT), 'node.js')).href);
  const tokensPerSecond = Math.max(1, Math.round(events / (durationMs / 1000)));
  const server = await createReplayServer({ dir: dirname(file), tokensPerSecond });
  process.send({
    url: `${server.url}/v1/chat/completions`,
    recording: basename(file).replace(/\.sse$/, ''),
    server: `chunkwise's createReplayServer at ${tokensPerSecond} events/s`,
  });
}

const [kind, file, durationMs, events] = process.argv.slice(2);
if (kind === 'replay') await serveReplay(file, Number(durationMs), Number(events));
else serve(file, Number(durationMs));
