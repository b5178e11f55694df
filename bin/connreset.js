#!/usr/bin/env node
// Thin launcher: all logic lives in the compiled CLI. `explain` first tries its fast path, which
// skips commander and the other commands' modules (start-up time; see src/cli/explain-fast.ts).
// The fast path is loaded as one bundled file (scripts/bundle-explain.mjs, run by `npm run build`):
// one module to resolve and read instead of ~20. Without a bundle (only `tsc` was run) the same
// code loads from its separate modules. No staleness check here: even one statSync costs start-up
// time measurably (bench/startup.mjs); test/explain checks that the bundle matches the tsc output.
const fast =
  process.argv[2] === 'explain'
    ? await import('../dist/explain.bundle.js').catch(() => import('../dist/cli/explain-fast.js'))
    : null;

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
