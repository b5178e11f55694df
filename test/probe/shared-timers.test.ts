import { describe, expect, it } from 'vitest';
import { armGuard, disarmGuard, Guarded } from '../../src/probe/guard.js';
import { offAbort, onAbort, type AbortWatcher } from '../../src/probe/abort-hub.js';
import { isoNow } from '../../src/probe/clock.js';

class Owner extends Guarded {
  fired = 0;
  private done: (() => void) | null = null;
  readonly expired = new Promise<void>((resolve) => (this.done = resolve));
  guardExpired(): void {
    this.fired++;
    this.done?.();
  }
}

describe('probe guards on one shared timer', () => {
  it('tells an armed owner once its time is up, and never a disarmed one', async () => {
    const kept = new Owner();
    const dropped = new Owner();
    const rearmed = new Owner();
    armGuard(dropped, 0);
    armGuard(kept, 0);
    armGuard(rearmed, 60_000);
    armGuard(rearmed, 0); // arming again replaces the deadline, it does not add a second guard
    disarmGuard(dropped);
    await Promise.all([kept.expired, rearmed.expired]);
    // a later owner's guard fires on a later or the same sweep: the disarmed one is long past its time
    const later = new Owner();
    armGuard(later, 0);
    await later.expired;
    expect([kept.fired, rearmed.fired, dropped.fired, later.fired]).toEqual([1, 1, 0, 1]);
  });

  it('does not fire before its time', async () => {
    const slow = new Owner();
    const fast = new Owner();
    armGuard(slow, 60_000);
    armGuard(fast, 0);
    await fast.expired;
    expect(slow.fired).toBe(0);
    disarmGuard(slow); // nothing armed: the sweeping interval stops and the test process can end
  });
});

describe('abort watchers share one listener per signal', () => {
  it('tells every watcher still registered, once, when its signal aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const seen: string[] = [];
    const watcher = (name: string): AbortWatcher => ({ signalAborted: () => void seen.push(name), abortPrev: null, abortNext: null, abortHub: null });
    const one = watcher('one');
    const two = watcher('two');
    const three = watcher('three');
    const other = watcher('other');
    const later = watcher('later');
    onAbort(a.signal, one);
    onAbort(a.signal, two);
    onAbort(a.signal, three);
    onAbort(b.signal, other);
    // out of the middle of a list, and from its head (the last added)
    offAbort(a.signal, two);
    offAbort(a.signal, three);
    offAbort(a.signal, three);
    a.abort();
    a.abort();
    expect(seen).toEqual(['one']);
    // a watcher told once is off its list: watching another signal works as for a new one
    onAbort(b.signal, one);
    onAbort(b.signal, later);
    offAbort(b.signal, later);
    b.abort();
    // told in the order they began watching, as addEventListener would
    expect(seen).toEqual(['one', 'other', 'one']);
  });
});

describe('isoNow', () => {
  it('gives the same text as Date#toISOString, across seconds and days', () => {
    const base = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    for (const step of [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 2500, 86_400_000 + 7, 3]) {
      expect(isoNow(base + step)).toBe(new Date(base + step).toISOString());
    }
  });
});
