#!/usr/bin/env node
// The CLI lives in the built Node entry; this file only starts it.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`chunkwise: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
