#!/usr/bin/env node
// Thin launcher: all logic lives in the compiled CLI. `explain` first tries its fast path, which
// skips commander and the other commands' modules (start-up time; see src/cli/explain-fast.ts).
const fast = process.argv[2] === 'explain' ? await import('../dist/cli/explain-fast.js') : null;

const run = async () => (fast && (await fast.runExplainFast(process.argv))) ?? (await import('../dist/cli/main.js')).main(process.argv);

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() already turns every expected failure into an exit code; reaching here is a bug.
    process.stderr.write(`connreset: internal error: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
