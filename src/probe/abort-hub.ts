/**
 * Abort listeners without an EventTarget listener each. A large check starts thousands of probes
 * a second on a few lane signals; adding and removing one listener per probe on the signal
 * (Node's EventTarget) was a visible part of each probe's CPU. Here a signal gets one listener,
 * the first time it is used, and the callbacks of the probes waiting on it sit in a Set: adding
 * and removing is a Set operation. A callback runs once, when the signal aborts, as with
 * addEventListener('abort', fn, { once: true }).
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

export function onAbort(signal: AbortSignal, callback: () => void): void {
  let set = waiting.get(signal);
  if (!set) {
    const callbacks = (set = new Set());
    waiting.set(signal, callbacks);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const fn of callbacks) fn();
      },
      { once: true },
    );
  }
  set.add(callback);
}

export function offAbort(signal: AbortSignal, callback: () => void): void {
  waiting.get(signal)?.delete(callback);
}
