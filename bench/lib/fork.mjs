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
