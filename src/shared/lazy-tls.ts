/**
 * node:tls, loaded when the first TLS target or TLS option needs it. Loading it costs about 3.5 ms
 * of CPU (`perf stat -r 30 node -e "require('node:net');require('node:tls')"` against node:net
 * alone), which every `check` and `probe` paid at start-up while most targets are plain TCP.
 */
import { requireLazily } from './lazy-require.js';

let loaded: typeof import('node:tls') | null = null;

export function tls(): typeof import('node:tls') {
  return (loaded ??= requireLazily('node:tls') as typeof import('node:tls'));
}
