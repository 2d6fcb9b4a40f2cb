// Runs the incremental-JSON benchmark (bench/incremental-json.ts, bundled to
// bench/.build/incremental-json.mjs) in a child process of its own and sends back its result
// and its own markdown table. Importing the bundle (rather than running it) keeps its
// "invoked directly" block inert.
//
//   node --expose-gc bench/lib/incremental-json-driver.mjs bench/.build/incremental-json.mjs ['{"partialJsonRuns":1}']
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const bundle = pathToFileURL(resolve(process.argv[2])).href;
const options = JSON.parse(process.argv[3] ?? '{}');
const { runIncrementalJsonBench, formatIncrementalJsonBench } = await import(bundle);
const result = await runIncrementalJsonBench({ ...options, log: (line) => process.stderr.write(`    ${line}\n`) });
const table = formatIncrementalJsonBench(result);
const message = { ok: true, options, result, table };
await new Promise((done) => (process.send ? process.send(message, done) : done(console.log(table))));
process.exit(0);
