// Makes dist/cli.bundle.cache, V8's code cache for the CLI bundle: run by scripts/bundle-cli.mjs
// in a child process with stdout ignored. It loads the bundle the way bin/connreset.js does and
// runs what users run most, against servers of its own on loopback: `check` of a few hundred
// targets (healthy, closing at once, refused) with a JSON report, and `probe` of each kind, so the
// functions they need are compiled, then writes the cache on exit. A cache made with other V8
// flags or another Node is rejected by V8 at load, and the CLI then compiles as it would without one.
'use strict';
const net = require('node:net');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadBundle } = require('../bin/connreset.js');

const cli = loadBundle('cli', { makeCache: process.argv[2] });
if (!cli) throw new Error('no dist/cli.bundle.cjs: run scripts/bundle-cli.mjs');

function listen(onConnection) {
  const server = net.createServer(onConnection);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-code-cache-'));
  const held = new Set();
  const healthy = await listen((c) => {
    held.add(c);
    c.on('error', () => undefined);
    c.on('close', () => held.delete(c));
  });
  const fin = await listen((c) => {
    c.on('error', () => undefined);
    c.end();
  });
  const closed = await listen(() => undefined);
  const closedPort = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  try {
    const targets = [];
    for (let i = 0; i < 100; i++) {
      targets.push(`127.0.0.1:${healthy.address().port}`, `127.0.0.1:${fin.address().port}`, `127.0.0.1:${closedPort}`);
    }
    // each run must end as it should: a cache made from runs that failed would hold other code
    const run = async (expected, args) => {
      const code = await cli.main(['node', 'connreset', ...args]);
      if (code !== expected) throw new Error(`connreset ${args.slice(0, 2).join(' ')} … exited ${code}, not ${expected}`);
    };
    await run(0, ['check', ...targets, '--expect-outcome', 'ok,closed_on_connect,refused', '--concurrency', '100', '--no-followup', '--json-file', join(dir, 'check.json')]);
    await run(0, ['probe', `127.0.0.1:${healthy.address().port}`, '--no-followup']);
    await run(1, ['probe', `127.0.0.1:${fin.address().port}`, '--no-followup', '--json']);
    await run(0, ['check', '--help']);
  } finally {
    for (const c of held) c.destroy();
    await Promise.all([healthy, fin].map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((error) => {
  process.stderr.write(`cli-code-cache: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
