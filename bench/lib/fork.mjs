// Runs a bench script in a child process and resolves with the one message it sends back.
import { fork } from 'node:child_process';

export function runChild(script, args, { execArgv = ['--expose-gc'], timeoutMs = 300_000, env } = {}) {
  return new Promise((resolve) => {
    const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], ...(env ? { env } : {}) });
    let message;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('message', (m) => (message = m));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message) resolve(message);
      else resolve({ ok: false, error: signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}: ${lastError(stderr)}` });
    });
  });
}

/** The line of a crash's stderr that names the error, else its last lines. */
function lastError(stderr) {
  const lines = stderr.trim().split('\n');
  return lines.find((l) => /^\w*Error\b|Error:/.test(l))?.trim() ?? lines.slice(-3).join(' | ');
}

/**
 * A child that stays up and answers one message per request (the worker's turn-taking mode).
 * `ready` resolves with its first message; `ask(message)` with the answer to that message; both
 * resolve with `{ ok: false, error }` if the child dies or takes longer than `timeoutMs`.
 */
export function startChild(script, args, { execArgv = ['--expose-gc'], timeoutMs = 300_000 } = {}) {
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  let waiting;
  let exited;
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.on('error', () => {}); // a send racing the child's exit: the exit handler answers
  const answer = () =>
    new Promise((resolve) => {
      if (exited) return resolve(exited);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      waiting = (m) => {
        clearTimeout(timer);
        waiting = undefined;
        resolve(m);
      };
    });
  child.on('message', (m) => waiting?.(m));
  child.on('exit', (code, signal) => {
    exited = { ok: false, error: signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}: ${lastError(stderr)}` };
    waiting?.(exited);
  });
  const ready = answer();
  return {
    ready,
    ask(message) {
      const reply = answer();
      if (!exited) child.send(message);
      return reply;
    },
    stop() {
      if (!exited) child.send({ cmd: 'exit' });
    },
  };
}
