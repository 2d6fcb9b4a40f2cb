// Adversarial cases in a process of their own (argv: the cases' names), against the built
// package (dist/): a crash, an out-of-memory abort, an uncaught exception or an unhandled
// rejection ends this process without the case's verdict, which is the failure the suite looks
// for. A verdict is one JSON line on stdout:
//   {"name":"…","outcome":"ok","facts":{…},"polluted":[],"ms":…}
//   {"name":"…","outcome":"LimitError","code":"limit","chunkwise":true,"message":"…","facts":{…},"polluted":[],"ms":…}
// With `--list`, prints the table instead (names, expectations and bounds, no bodies).
import { CASES } from './cases.mjs';

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
const prototypeKeys = () => Object.entries(PROTOTYPES).flatMap(([name, proto]) => Reflect.ownKeys(proto).map((k) => `${name}.${String(k)}`));

if (process.argv[2] === '--list') {
  const table = CASES.map(({ name, expect, heapMb, timeoutMs }) => ({ name, expect, heapMb, timeoutMs }));
  process.stdout.write(`${JSON.stringify(table)}\n`);
} else {
  const chunkwise = await import('../../dist/index.js');
  // Cases named in argv run one after another; a verdict line follows each, so a case that
  // kills the process is the first one without its line.
  for (const name of process.argv.slice(2)) {
    const found = CASES.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no adversarial case named ${name}`);
    const before = new Set(prototypeKeys());
    const started = performance.now();
    const verdict = await run(found, chunkwise);
    verdict.ms = Math.round(performance.now() - started);
    // A timer or a rejection the case left behind fires here, before its verdict, and ends the process.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Anything set on a shared prototype, and the classic `({}).polluted`.
    verdict.polluted = prototypeKeys().filter((k) => !before.has(k));
    if (({}).polluted !== undefined) verdict.polluted.push('({}).polluted');
    process.stdout.write(`${JSON.stringify({ name, ...verdict })}\n`);
  }
}

/** Runs the case through its entry; facts are taken from the result, or from the error's partial. */
async function run(c, chunkwise) {
  const seen = { events: 0, last: undefined };
  try {
    const result = await entry(c, chunkwise, seen);
    return { outcome: 'ok', facts: c.facts ? c.facts(result, seen) : {} };
  } catch (error) {
    const typed = chunkwise.isChunkwiseError(error);
    return {
      outcome: error?.constructor?.name ?? typeof error,
      code: error?.code,
      chunkwise: typed,
      message: String(error?.message ?? error).slice(0, 300),
      facts: c.errorFacts ? c.errorFacts(error, seen) : {},
    };
  }
}

function entry(c, chunkwise, seen) {
  const options = c.options ?? {};
  switch (c.via ?? 'assemble') {
    case 'assemble':
      return chunkwise.assemble(c.body(), options);
    case 'events':
      // Every event, counted rather than kept: millions of them must not have to fit.
      return new Promise((resolve, reject) => {
        chunkwise.streamEvents(c.body(), { partialArguments: true, partialContent: true, ...options }).subscribe({
          next(event) {
            seen.events++;
            seen.last = event;
          },
          error: reject,
          complete: () => resolve(seen.last?.response),
        });
      });
    case 'response': {
      const stream = chunkwise.streamResponse(c.body(), options);
      stream.snapshots$.subscribe({ next: () => seen.events++, error: () => {} });
      return stream.final;
    }
    default:
      throw new Error(`unknown entry ${c.via}`);
  }
}
