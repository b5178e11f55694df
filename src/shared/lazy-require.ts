/**
 * require() for what a run loads only when it needs it: node:tls, node:dns/promises, node:v8,
 * node:child_process and the heavy packages (koffi, yaml). Each costs start-up time that most runs
 * of `check` and `probe` never use (node:tls ~3.5 ms, node:child_process ~1.3 ms, node:dns/promises
 * ~0.9 ms: median of 15 fresh processes, with node:net already loaded). In the CLI bundle
 * import.meta.url is the bundle's own URL (scripts/shims/import-meta-url.js), which resolves the
 * packages from the same node_modules.
 */
import { createRequire } from 'node:module';

export const requireLazily = createRequire(import.meta.url);

let loadedTls: typeof import('node:tls') | null = null;

/** node:tls, loaded when the first TLS target or TLS option needs it. */
export function tls(): typeof import('node:tls') {
  return (loadedTls ??= requireLazily('node:tls') as typeof import('node:tls'));
}
