#!/usr/bin/env node
// Thin launcher: all logic lives in the compiled CLI.
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() already turns every expected failure into an exit code; reaching here is a bug.
    process.stderr.write(`connreset: internal error: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
