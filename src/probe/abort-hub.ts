/**
 * Abort listeners without an EventTarget listener each. A large check starts thousands of probes
 * a second on a few lane signals; adding and removing one listener per probe on the signal
 * (Node's EventTarget) was a visible part of each probe's CPU, and so was a Set of watchers per
 * signal found through a WeakMap (~1 µs a probe at 30,000 targets). Here a signal gets one
 * listener, the first time it is used, and its watchers form a list threaded through the watchers
 * themselves (as the guards in guard.ts do): adding and removing is a few field writes, with no
 * allocation. A watcher is told once, when the signal aborts, as with
 * addEventListener('abort', fn, { once: true }).
 */
export interface AbortWatcher {
  signalAborted(): void;
  /** the hub's bookkeeping (start them null): the watchers of one signal, linked through them */
  abortPrev: AbortWatcher | null;
  abortNext: AbortWatcher | null;
  abortHub: AbortHub | null;
}

/** The watchers of one signal. */
export interface AbortHub {
  head: AbortWatcher | null;
}

/** Where a signal keeps its hub: a property of its own, so no map lookup per probe. */
const HUB = Symbol('connreset.abortHub');
type Hubbed = AbortSignal & { [HUB]?: AbortHub };

function hubOf(signal: Hubbed): AbortHub {
  let hub = signal[HUB];
  if (!hub) {
    const created: AbortHub = (hub = { head: null });
    signal[HUB] = created;
    signal.addEventListener(
      'abort',
      () => {
        // unlink all first: a watcher told of the abort may call offAbort; told in the order
        // they began watching (the list runs newest first)
        const told: AbortWatcher[] = [];
        for (let w = created.head; w !== null; w = w.abortNext) told.push(w);
        told.reverse();
        created.head = null;
        for (const w of told) {
          w.abortPrev = w.abortNext = null;
          w.abortHub = null;
        }
        for (const w of told) w.signalAborted();
      },
      { once: true },
    );
  }
  return hub;
}

export function onAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  if (watcher.abortHub) offAbort(signal, watcher);
  const hub = hubOf(signal);
  watcher.abortHub = hub;
  watcher.abortPrev = null;
  watcher.abortNext = hub.head;
  if (hub.head) hub.head.abortPrev = watcher;
  hub.head = watcher;
}

export function offAbort(_signal: AbortSignal, watcher: AbortWatcher): void {
  const hub = watcher.abortHub;
  if (!hub) return;
  if (watcher.abortPrev) watcher.abortPrev.abortNext = watcher.abortNext;
  else hub.head = watcher.abortNext;
  if (watcher.abortNext) watcher.abortNext.abortPrev = watcher.abortPrev;
  watcher.abortPrev = watcher.abortNext = null;
  watcher.abortHub = null;
}
