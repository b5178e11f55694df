// Makes dist/explain.bundle.cache, V8's code cache for the explain bundle: run by
// scripts/bundle-explain.mjs in a child process with stdout ignored (the explanations below print).
// It loads the bundle the way bin/connreset.js does, runs the inputs users give most (a code, a
// pasted line, a proxy's line, a snippet, JSON, the list), so the functions they need are compiled,
// and writes the cache on exit. A cache made with other V8 flags or another Node is rejected by V8
// at load, and explain then compiles as it would without one.
'use strict';
const { loadExplainBundle } = require('../bin/connreset.js');

const INPUTS = [
  ['10054'],
  ['ECONNRESET', '--json'],
  ['read tcp 10.0.0.1:5->10.0.0.2:443: read: connection reset by peer'],
  ['upstream connect error or disconnect/reset before headers. reset reason: connection termination'],
  ['2024/01/01 00:00:00 [error] 1#1: *1 recv() failed (104: Connection reset by peer) while reading response header from upstream, upstream: "http://10.0.0.2:8080/"', '--json'],
  ['ECONNREFUSED', '--lang', 'python'],
  ['--list'],
];

const fast = loadExplainBundle({ makeCache: process.argv[2] });
if (!fast) throw new Error('no dist/explain.bundle.cjs: run scripts/bundle-explain.mjs');
(async () => {
  for (const args of INPUTS) await fast.runExplainFast(['node', 'connreset', 'explain', ...args]);
})();
