#!/usr/bin/env node
// Serves this page and a replay server side by side: `npm run build && node examples/typing-indicator/serve.mjs`.
// The page is static; the only help it needs is for rxjs's ES modules, whose relative imports
// leave out the `.js` extension (bundlers add it; a browser does not), so a missing file is
// retried with `.js`, as development servers do.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css' };

/** A static file server for the package folder on 127.0.0.1; resolves to `{ url, close() }`. */
export async function startStaticServer({ root = ROOT, port = 0 } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolveFile(root, path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

function resolveFile(root, path) {
  const full = normalize(join(root, path));
  if (!full.startsWith(normalize(root)) || full.split(sep).includes('..')) return undefined;
  for (const candidate of [full, `${full}.js`, join(full, 'index.html')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { createReplayServer } = await import(new URL('../../dist/node.js', import.meta.url).href);
  const replay = await createReplayServer({ dir: join(ROOT, 'recordings'), port: 8787, tokensPerSecond: 15 });
  // The Responses API recordings (POST /v1/responses) live in their own folder.
  const responses = await createReplayServer({ dir: join(ROOT, 'recordings', 'responses'), port: 8788, tokensPerSecond: 15 });
  const page = await startStaticServer({ port: 8080 });
  const at = (server) => `${page.url}/examples/typing-indicator/?server=${encodeURIComponent(server.url)}`;
  console.log(`replay server: ${replay.url}\npage: ${at(replay)}\nResponses API recordings: ${at(responses)}\nchat demo: ${page.url}/examples/chat/`);
}
