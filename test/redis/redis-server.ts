import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createServer } from 'node:net';

/**
 * A real redis-server for the tests: on 127.0.0.1, a free port, persistence off, killed after.
 * Locally a machine without redis-server skips these tests with one line; under CI=true it
 * never skips (.ci/run installs Debian's redis-server).
 */
export const REDIS_SERVER = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'redis-server'))
  .find((file) => existsSync(file));

if (!REDIS_SERVER && process.env.CI === 'true') throw new Error('redis-server is not installed, and CI=true never skips the Redis tests (.ci/run installs it)');
export const skipWithoutRedis = !REDIS_SERVER;
if (skipWithoutRedis) console.log('skipping the Redis tests: redis-server is not installed (apt-get install redis-server)');

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL: nothing is saved, as in a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${output.slice(-500)}`)));
    });
    proc.stdout!.resume();
    proc.stderr!.resume();
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill };
}
