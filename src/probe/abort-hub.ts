/**
 * Abort listeners without an EventTarget listener each. A large check starts thousands of probes
 * a second on a few lane signals; adding and removing one listener per probe on the signal
 * (Node's EventTarget) was a visible part of each probe's CPU. Here a signal gets one listener,
 * the first time it is used, and the watchers waiting on it sit in a Set: adding and removing is
 * a Set operation. A watcher is told once, when the signal aborts, as with
 * addEventListener('abort', fn, { once: true }).
 */
export interface AbortWatcher {
  signalAborted(): void;
}

const waiting = new WeakMap<AbortSignal, Set<AbortWatcher>>();

export function onAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let set = waiting.get(signal);
  if (!set) {
    const watchers = (set = new Set());
    waiting.set(signal, watchers);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const w of watchers) w.signalAborted();
      },
      { once: true },
    );
  }
  set.add(watcher);
}

export function offAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  waiting.get(signal)?.delete(watcher);
}
