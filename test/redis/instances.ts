import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../cli/run-cli.js';

/** An app instance serving SSE from Redis (fixtures/sse-server.mjs), in a child process. */
export interface Instance {
  readonly name: string;
  readonly port: number;
  /** The Last-Event-ID of each /events request it got ('-' for none), in order. */
  readonly requests: string[];
  /** Resolves once it has had `n` /events requests. */
  requested(n: number): Promise<void>;
  stop(): void;
}

export async function startInstance(redisUrl: string, name: string): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'test/redis/fixtures/sse-server.mjs'), redisUrl, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const requests: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code})`)));
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const [word, ...rest] = line.split(' ');
        if (word === 'listening') resolve(Number(rest[0]));
        if (word === 'events') {
          requests.push(rest[1]!);
          for (const w of waiters.splice(0)) (requests.length >= w.n ? w.resolve() : waiters.push(w));
        }
      }
    });
  });
  return {
    name,
    port,
    requests,
    requested: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    stop: () => void child.kill('SIGKILL'),
  };
}

/** A TCP proxy on 127.0.0.1 that sends each new connection to the next backend in turn, and can cut them all. */
export interface RoundRobinProxy {
  readonly port: number;
  /** Destroys every open connection (both sides), as a network drop would. */
  cut(): void;
  /** From now on, sends new connections to this backend only (a balancer steering away from one instance). */
  prefer(port: number): void;
  close(): Promise<void>;
}

export async function startProxy(ports: readonly number[]): Promise<RoundRobinProxy> {
  let turn = 0;
  let preferred: number | undefined;
  const open = new Set<Socket>();
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(preferred ?? ports[turn++ % ports.length]!, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      for (const socket of [...open]) socket.destroy();
      open.clear();
    },
    prefer: (port) => void (preferred = port),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
