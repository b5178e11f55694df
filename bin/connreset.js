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
//   simply compiles; a plain start (no Node or V8 options) then writes a new cache at exit when
//   dist/ is writable. Hashing
//   the bundle here on every start would cost more than the cache saves, so an edit of dist/ by
//   hand must be followed by `npm run build`.
// - every other command runs the whole CLI as one bundle the same way, dist/cli.bundle.cjs with
//   dist/cli.bundle.cache (scripts/bundle-cli.mjs): the ESM loader's per-module work and the
//   compiling were a good part of `check`'s and `probe`'s start.
// Without a bundle (only `tsc` was run) the same code loads from its separate ES modules. No
// staleness check of the bundles against dist/ here (even one statSync costs start-up time);
// test/explain and test/cli-bundle.test.ts check it.
'use strict';

const KEY = /\/\/ code-cache-key: ([0-9a-f]{64})( ascii)?\n?$/;

/**
 * A bundle's exports (dist/<name>.bundle.cjs, name 'explain' or 'cli'), or null without one. It is
 * compiled with the V8 code cache beside it (dist/<name>.bundle.cache) when the cache's key is the
 * bundle's. `makeCache`: the file to write V8's code cache to when the process exits
 * (scripts/explain-code-cache.cjs and scripts/cli-code-cache.cjs, at build time), after the runs
 * it made compiled the functions they needed.
 */
function loadBundle(name, { makeCache } = {}) {
  const fs = require('node:fs');
  const bundle = `${__dirname}/../dist/${name}.bundle.cjs`;
  let source;
  try {
    // written in ASCII by the build (scripts/bundle-common.mjs): latin1 reads it without decoding
    source = fs.readFileSync(bundle, 'latin1');
  } catch (error) {
    if (error && error.code === 'ENOENT') return null;
    throw error;
  }
  const keyLine = KEY.exec(source);
  // a bundle the build did not mark ASCII (an older build, a damaged file): decoded as UTF-8
  if (!keyLine || !keyLine[2]) source = fs.readFileSync(bundle, 'utf8');
  const key = keyLine?.[1];
  const cacheFile = `${__dirname}/../dist/${name}.bundle.cache`;
  let cachedData;
  if (key && !makeCache) {
    try {
      const cache = fs.readFileSync(cacheFile);
      if (cache.subarray(0, 64).toString('latin1') === key) cachedData = cache.subarray(65);
    } catch {
      cachedData = undefined; // no cache: V8 compiles as usual
    }
  }
  const { Script } = require('node:vm');
  let script;
  try {
    script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  } catch (error) {
    // a damaged bundle (a partial copy, a disk full during the build): the separate modules still work
    if (error instanceof SyntaxError && !makeCache) return null;
    throw error;
  }
  const mod = { exports: {} };
  if (makeCache) {
    process.once('exit', () => writeCache(fs, script, key, makeCache, mod));
  } else if (cachedData && script.cachedDataRejected && plainStart()) {
    // V8 refused the build's cache (another Node or V8 since the build): this run makes it
    // again, so the next start takes it instead of compiling. Only where it may write (a global
    // install may be read-only to its user), and best effort.
    try {
      fs.accessSync(`${__dirname}/../dist`, fs.constants.W_OK);
      const built = fs.statSync(bundle);
      process.once('exit', () => {
        try {
          // rebuilt while this ran: the new build's cache is not replaced by the old bundle's
          const now = fs.statSync(bundle);
          if (now.mtimeMs === built.mtimeMs && now.size === built.size) writeCache(fs, script, key, cacheFile, mod);
        } catch {
          // the next start compiles, as this one did
        }
      });
    } catch {
      // not ours to write
    }
  }
  script.runInThisContext()(mod.exports, require, mod, bundle, `${__dirname}/../dist`);
  return mod.exports;
}

/**
 * Whether this process runs with a plain start's V8 flags. A cache made under others (node
 * --stack-size, NODE_OPTIONS=--max-old-space-size…) would be refused by every plain start, and two
 * kinds of runs would take turns renewing it. Node's own options are not told from V8's here, so
 * any option makes a start not plain.
 */
function plainStart() {
  return process.execArgv.length === 0 && !process.env.NODE_OPTIONS;
}

/**
 * Writes V8's code cache of `script` (the functions this process compiled) behind its key, whole
 * or not at all: a cache cut short by a crash would be handed to V8, which trusts it. The temporary
 * file is new and this process's own (two runs renewing at once do not share one), and is removed
 * when the write or the rename fails.
 */
function writeCache(fs, script, key, file, mod) {
  // V8 refuses a cache made under flags other than a plain start's, and a check run changes one
  // (src/cli/heap-tuning.ts): the default comes back before the cache is made
  if (typeof mod.exports.undoHeapTuning === 'function') mod.exports.undoHeapTuning();
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), script.createCachedData()]), { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never written
    }
    throw error;
  }
}

/** The explain fast path's bundle (loadBundle). */
function loadExplainBundle(options) {
  return loadBundle('explain', options);
}

async function run(argv) {
  const fast = argv[2] === 'explain' ? (loadExplainBundle() ?? (await import('../dist/cli/explain-fast.js'))) : null;
  return (fast && (await fast.runExplainFast(argv))) ?? (loadBundle('cli') ?? (await import('../dist/cli/main.js'))).main(argv);
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
  module.exports = { loadBundle, loadExplainBundle };
}
