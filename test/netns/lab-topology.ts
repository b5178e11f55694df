import { afterAll, afterEach, beforeAll } from 'vitest';
import { Topology } from './harness.js';

/**
 * Registers, in the calling describe block, a client/router/server topology with the lab on BASE in
 * the server namespace: built before the first test, the router's rules cleared after each test (so
 * one test's firewall never leaks into the next), and torn down after the last, also when tests fail.
 * Returns a getter: the topology exists only once beforeAll has run.
 */
export function labTopology(base: number, labArgs: string[] = []): () => Topology {
  let topo: Topology | undefined;
  beforeAll(async () => {
    topo = await Topology.create();
    await topo.startLab(base, labArgs);
  });
  afterEach(async () => {
    await topo?.clearRouter();
  });
  afterAll(async () => {
    await topo?.destroy();
  });
  return () => {
    if (!topo) throw new Error('the netns topology is built in beforeAll');
    return topo;
  };
}
