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
  // ' ascii' tells the launcher it may read the bundle as latin1
  appendFileSync(bundle, `// code-cache-key: ${createHash('sha256').update(readFileSync(bundle)).digest('hex')} ascii\n`);
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
 * A bundle's text with every non-ASCII UTF-16 unit written as a \\uXXXX escape, so that
 * bin/connreset.js reads it as latin1: a one-byte string, without UTF-8 decoding (~5 ms of the CLI
 * bundle's start). esbuild's ASCII charset already escapes strings, templates and identifiers; it
 * leaves non-ASCII characters in regular expression literals (the localized Windows messages),
 * where the escape means the same, with or without the u flag (a surrogate pair included). Two
 * places where it would not: after a backslash (`\\é` would become an escaped backslash and
 * "u00e9"), refused here, and a raw template (String.raw, a tagged template), which the sources do
 * not use with non-ASCII text (test/cli-bundle.test.ts checks an escaped pattern still matches).
 */
export function asciiEscaped(text) {
  // eslint-disable-next-line no-control-regex
  const afterBackslash = /(?<!\\)(?:\\\\)*\\[^\x00-\x7f]/.exec(text);
  if (afterBackslash) throw new Error(`a backslash before a non-ASCII character at offset ${afterBackslash.index}: cannot write it as \\uXXXX`);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function asciiOnly(bundle) {
  const text = readFileSync(bundle, 'utf8');
  const escaped = asciiEscaped(text);
  if (escaped !== text) writeFileSync(bundle, escaped);
}

/** Writes esbuild's metafile (the tests read the bundle's inputs from it); returns its module count and size. */
export function writeMeta(file, metafile) {
  writeFileSync(file, `${JSON.stringify(metafile, null, 2)}\n`);
  const bytes = metafile.outputs[Object.keys(metafile.outputs)[0]]?.bytes ?? 0;
  return { inputs: Object.keys(metafile.inputs).length, kib: (bytes / 1024).toFixed(0) };
}
