/**
 * The machine's resolver (getaddrinfo through node:dns), every address in the order it gives them.
 * node:dns/promises is loaded at the first name: a target given as an address never needs it, and
 * loading it cost every start ~0.9 ms (median of 15 fresh processes).
 */
import type { LookupFn } from './types.js';
import { requireLazily } from '../shared/lazy-require.js';

export const systemLookup: LookupFn = async (host) => {
  const { lookup } = requireLazily('node:dns/promises') as typeof import('node:dns/promises');
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
