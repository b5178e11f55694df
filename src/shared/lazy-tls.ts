/**
 * node:tls, loaded when the first TLS target or TLS option needs it. Loading it costs about 3.5 ms
 * of CPU (`perf stat -r 30 node -e "require('node:net');require('node:tls')"` against node:net
 * alone), which every `check` and `probe` paid at start-up while most targets are plain TCP.
 */
import { createRequire } from 'node:module';

let loaded: typeof import('node:tls') | null = null;

export function tls(): typeof import('node:tls') {
  return (loaded ??= createRequire(import.meta.url)('node:tls') as typeof import('node:tls'));
}
