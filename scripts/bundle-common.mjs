// What both bundles share (scripts/bundle-explain.mjs, scripts/bundle-cli.mjs): esbuild's options,
// keying a bundle and making its V8 code cache in a child process, esbuild's metafile beside it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/** esbuild options of both bundles; each adds its entry point, output, defines and banner. */
export const COMMON_OPTIONS = {
  bundle: true,
  platform: 'node',
  // CommonJS: bin/connreset.js is CommonJS (bin/package.json) and compiles these with vm.Script,
  // so no command starts Node's ESM loader (about 8 ms of start-up: bench/startup.mjs)
  format: 'cjs',
  target: 'node20',
  // lazily imported modules are folded in too: one file, no second module load
  splitting: false,
  // whitespace and syntax only: names stay, so stack traces and profiles stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

/**
 * Appends the key bin/connreset.js matches the code cache against (the bundle's SHA-256: V8 itself
 * checks only a cache's source length), then runs `script` (a .cjs that loads the bundle through
 * the launcher with makeCache, runs typical commands and writes the cache on exit) to make
 * `cacheFile`. Throws when the script fails: a build without its cache is not a build.
 */
export function keyAndCache(bundle, script, cacheFile) {
  asciiOnly(bundle);
  appendFileSync(bundle, `// code-cache-key: ${createHash('sha256').update(readFileSync(bundle)).digest('hex')}\n`);
  const cached = spawnSync(process.execPath, [script, cacheFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 60_000,
    // V8 rejects a cache made under other flags: NODE_OPTIONS' --max-old-space-size would make one
    // that every plain `connreset` run refuses
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS')),
  });
  // a timeout is a SIGTERM, which a command in progress may catch and then exit 0: fail on it too
  if (cached.error || cached.status !== 0) throw new Error(`${script} failed: ${cached.error?.message ?? `exit ${cached.status ?? cached.signal}`}`);
}

/**
 * Rewrites every non-ASCII character of a bundle as a \\uXXXX escape (esbuild's ASCII charset
 * leaves them in regular expression literals, such as the localized Windows messages), so that
 * bin/connreset.js reads it as latin1: a one-byte string, without UTF-8 decoding (~4 ms of every
 * start for the CLI bundle). The escape means the same in a string, a template, a regular
 * expression (a surrogate pair included, with or without the u flag) and an identifier.
 */
function asciiOnly(bundle) {
  const text = readFileSync(bundle, 'utf8');
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped !== text) writeFileSync(bundle, escaped);
}

/** Writes esbuild's metafile (the tests read the bundle's inputs from it); returns its module count and size. */
export function writeMeta(file, metafile) {
  writeFileSync(file, `${JSON.stringify(metafile, null, 2)}\n`);
  const bytes = metafile.outputs[Object.keys(metafile.outputs)[0]]?.bytes ?? 0;
  return { inputs: Object.keys(metafile.inputs).length, kib: (bytes / 1024).toFixed(0) };
}
