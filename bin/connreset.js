#!/usr/bin/env node
// Thin launcher: all logic lives in the compiled CLI. `explain` first tries its fast path, which
// skips commander and the other commands' modules (start-up time; see src/cli/explain-fast.ts).
//
// Why it looks like this (each step measured with bench/startup.mjs, docs/development.md):
// - CommonJS (bin/package.json says so): an ES module entry point starts Node's ESM loader, ~8 ms
//   of explain's ~140 ms start;
// - the fast path is one CommonJS bundle, dist/explain.bundle.cjs (scripts/bundle-explain.mjs, run
//   by `npm run build`), compiled with the V8 code cache the build made beside it
//   (dist/explain.bundle.cache): V8 skips parsing and compiling what the cache holds, ~10 ms.
//   The cache is used only when its key matches the key on the bundle's last line (the SHA-256 of
//   the bundle the build wrote, so a cache from another build is never used); V8 itself checks only
//   the source's length, and rejects a cache from another Node version or other V8 flags, and then
//   simply compiles. Hashing the bundle here on every start would cost more than the cache saves,
//   so an edit of dist/ by hand must be followed by `npm run build`.
// Every other command runs the CLI bundle, dist/cli.bundle.cjs (scripts/bundle-cli.mjs), plain
// require()d: the ESM loader's per-module work was a good part of `check`'s and `probe`'s start.
// Without a bundle (only `tsc` was run) the same code loads from its separate ES modules. No
// staleness check of the bundle against dist/ here (even one statSync costs start-up time);
// test/explain checks it.
'use strict';

const BUNDLE = `${__dirname}/../dist/explain.bundle.cjs`;
const CACHE = `${__dirname}/../dist/explain.bundle.cache`;
const KEY = /\/\/ code-cache-key: ([0-9a-f]{64})\n?$/;

/**
 * The explain bundle's exports, or null without a bundle. `makeCache`: the file to write V8's code
 * cache to when the process exits (scripts/explain-code-cache.cjs, at build time), after the
 * explanations it ran compiled the functions they needed.
 */
function loadExplainBundle({ makeCache } = {}) {
  const fs = require('node:fs');
  let source;
  try {
    source = fs.readFileSync(BUNDLE, 'utf8');
  } catch (error) {
    if (error && error.code === 'ENOENT') return null;
    throw error;
  }
  const key = KEY.exec(source)?.[1];
  let cachedData;
  if (key && !makeCache) {
    try {
      const cache = fs.readFileSync(CACHE);
      if (cache.subarray(0, 64).toString('latin1') === key) cachedData = cache.subarray(65);
    } catch {
      cachedData = undefined; // no cache: V8 compiles as usual
    }
  }
  const { Script } = require('node:vm');
  let script;
  try {
    script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  } catch (error) {
    // a damaged bundle (a partial copy, a disk full during the build): the separate modules still work
    if (error instanceof SyntaxError && !makeCache) return null;
    throw error;
  }
  if (makeCache) {
    // written whole or not at all: a cache cut short by a crash would be handed to V8, which trusts it
    process.once('exit', () => {
      fs.writeFileSync(`${makeCache}.tmp`, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), script.createCachedData()]));
      fs.renameSync(`${makeCache}.tmp`, makeCache);
    });
  }
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, require, mod, BUNDLE, `${__dirname}/../dist`);
  return mod.exports;
}

/**
 * The whole CLI as one CommonJS bundle (dist/cli.bundle.cjs, scripts/bundle-cli.mjs), or its
 * separate ES modules when only tsc was run: the bundle spares the ESM loader's per-module work
 * (`check` of one target: 0.27 s -> 0.20 s of CPU).
 */
async function loadCli() {
  try {
    return require('../dist/cli.bundle.cjs');
  } catch (error) {
    if (!error || error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('cli.bundle.cjs')) throw error;
    return import('../dist/cli/main.js');
  }
}

async function run(argv) {
  const fast = argv[2] === 'explain' ? (loadExplainBundle() ?? (await import('../dist/cli/explain-fast.js'))) : null;
  return (fast && (await fast.runExplainFast(argv))) ?? (await loadCli()).main(argv);
}

if (require.main === module) {
  run(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      // main() already turns every expected failure into an exit code; reaching here is a bug.
      process.stderr.write(`connreset: internal error: ${error && error.message ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
} else {
  module.exports = { loadExplainBundle };
}
